package io.cairn.console.web.views.keys;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.radiobutton.RadioButtonGroup;
import io.cairn.console.core.keys.KeyspaceBrowser;
import io.cairn.console.web.ui.Keys;
import io.cairn.console.web.ui.Notifications;
import io.cairn.console.web.ui.UiTasks;
import io.etcd.jetcd.ByteSequence;
import java.util.function.Consumer;

/**
 * Delete one key or everything under it as a prefix. The confirmation shows how many keys would
 * go before the button is enabled.
 */
final class DeleteDialog extends Dialog {
  private static final String SINGLE = "This key only";
  private static final String PREFIX = "Every key with this prefix";

  private final RadioButtonGroup<String> scope = new RadioButtonGroup<>();
  private final Paragraph count = new Paragraph();
  private final Button delete = new Button("Delete");
  private final KeyspaceBrowser browser;
  private final ByteSequence key;
  private long counted = -1;

  DeleteDialog(KeyspaceBrowser browser, ByteSequence key, Consumer<Long> done) {
    this(browser, key, false, done);
  }

  /** With {@code prefix} the dialog opens on "every key with this prefix". */
  DeleteDialog(KeyspaceBrowser browser, ByteSequence key, boolean prefix, Consumer<Long> done) {
    this.browser = browser;
    this.key = key;
    setId("delete-dialog");
    setHeaderTitle("Delete " + Keys.display(key));
    scope.setId("delete-scope");
    scope.setItems(SINGLE, PREFIX);
    scope.setValue(prefix ? PREFIX : SINGLE);
    scope.addValueChangeListener(e -> recount());
    count.setId("delete-count");
    add(scope, count);
    delete.setId("delete-confirm");
    delete.addThemeVariants(ButtonVariant.LUMO_ERROR, ButtonVariant.LUMO_PRIMARY);
    delete.addClickListener(e -> UiTasks.deliver(this,
        browser.delete(key, PREFIX.equals(scope.getValue())), n -> {
          Notifications.success("deleted " + n + (n == 1 ? " key" : " keys"));
          close();
          done.accept(n);
        }));
    getFooter().add(new Button("Cancel", e -> close()), delete);
    recount();
  }

  private void recount() {
    delete.setEnabled(false);
    count.setText("counting…");
    boolean prefix = PREFIX.equals(scope.getValue());
    UiTasks.deliver(this, browser.countPrefix(key, prefix), n -> {
      if (prefix != PREFIX.equals(scope.getValue())) {
        return;
      }
      counted = n;
      count.setText(n == 0 ? "Nothing to delete."
          : "This deletes " + n + (n == 1 ? " key." : " keys.") + " It cannot be undone"
              + " (past revisions stay readable until compacted).");
      delete.setEnabled(n > 0);
    });
  }

  long counted() {
    return counted;
  }
}
