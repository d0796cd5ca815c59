package io.cairn.console.web.views.keys;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.component.textfield.TextField;
import io.cairn.console.core.keys.KeyspaceBrowser;
import io.cairn.console.web.ui.Keys;
import io.cairn.console.web.ui.Notifications;
import io.cairn.console.web.ui.UiTasks;
import io.etcd.jetcd.ByteSequence;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/** Put a key: value as text, lease optional (hexadecimal, as etcdctl prints lease IDs). */
final class PutDialog extends Dialog {
  private final TextField key = new TextField("Key");
  private final TextArea value = new TextArea("Value");
  private final TextField lease = new TextField("Lease ID (hex, optional)");

  PutDialog(KeyspaceBrowser browser, String initialKey, String initialValue, Consumer<ByteSequence> done) {
    setHeaderTitle(initialKey.isEmpty() ? "New key" : "Edit key");
    setId("put-dialog");
    key.setId("put-key");
    key.setValue(initialKey);
    key.setWidthFull();
    value.setId("put-value");
    value.setValue(initialValue);
    value.setWidthFull();
    value.setMinHeight("12em");
    lease.setId("put-lease");
    lease.setPattern("[0-9a-fA-F]*");
    FormLayout form = new FormLayout(key, value, lease);
    form.setResponsiveSteps(new FormLayout.ResponsiveStep("0", 1));
    form.setWidth("36em");
    add(form);
    Button put = new Button("Put", e -> put(browser, done));
    put.setId("put-confirm");
    put.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
    getFooter().add(new Button("Cancel", e -> close()), put);
  }

  private void put(KeyspaceBrowser browser, Consumer<ByteSequence> done) {
    if (key.getValue().isEmpty()) {
      key.setInvalid(true);
      key.setErrorMessage("etcdserver: key is not provided");
      return;
    }
    long leaseId;
    try {
      leaseId = lease.getValue().isBlank() ? 0 : Long.parseUnsignedLong(lease.getValue().trim(), 16);
    } catch (NumberFormatException e) {
      lease.setInvalid(true);
      lease.setErrorMessage("not a hexadecimal lease ID");
      return;
    }
    ByteSequence k = Keys.fromInput(key.getValue());
    ByteSequence v = ByteSequence.from(value.getValue(), StandardCharsets.UTF_8);
    UiTasks.deliver(this, browser.put(k, v, leaseId), revision -> {
      Notifications.success("put " + Keys.display(k) + " at revision " + revision);
      close();
      done.accept(k);
    });
  }
}
