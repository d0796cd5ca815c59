package io.cairn.console.web.views.keys;

import com.vaadin.flow.component.Composite;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.splitlayout.SplitLayout;
import com.vaadin.flow.component.tabs.TabSheet;
import io.cairn.console.core.keys.KeyspaceBrowser;
import io.cairn.console.web.backend.Connection;
import io.cairn.console.core.values.ValueRenderer;
import io.cairn.console.web.ui.Keys;
import io.cairn.console.web.ui.Notifications;
import io.cairn.console.web.ui.UiTasks;
import io.etcd.jetcd.ByteSequence;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Tree and list of one cluster's keys at one revision, and the value panel of the selected key.
 * Writes go to the latest revision; the browser then shows the key as written.
 */
public final class KeyBrowser extends Composite<SplitLayout> {
  private final KeyTreePanel tree;
  private final KeyListPanel list;
  private final ValuePanel value;
  private final Consumer<String> onPinned;
  private Connection connection;
  private KeyspaceBrowser browser;
  private long requestedRevision;
  private String separator;
  private boolean writes;
  private Button newKey;

  public KeyBrowser(Consumer<String> onPinned) {
    this.onPinned = onPinned;
    this.tree = new KeyTreePanel(this::select, rev -> pinned(rev));
    this.list = new KeyListPanel(this::select);
    this.value = new ValuePanel(this::edit, this::delete);
    list.onWrite(this::afterWrite);
    TabSheet tabs = new TabSheet();
    tabs.setId("key-tabs");
    tabs.add("Tree", tree).setId("tab-tree");
    tabs.add("List", list).setId("tab-list");
    tabs.setSizeFull();
    SplitLayout split = getContent();
    split.addToPrimary(tabs);
    split.addToSecondary(value);
    split.setSplitterPosition(45);
    split.setSizeFull();
  }

  public Connection connection() {
    return connection;
  }

  /** Shows the keys of {@code c} at {@code revision} (0 = latest, pinned when first read). */
  public void show(Connection c, String separator, long revision) {
    this.connection = c;
    this.separator = separator;
    this.browser = c.keys(separator);
    this.requestedRevision = revision;
    onPinned.accept(revision == 0 ? "reading…" : "revision " + revision);
    tree.show(browser, revision);
    if (revision != 0) {
      list.show(browser, revision); // else once the tree's first page has pinned the revision
    }
    value.show(Optional.empty(), null);
  }

  public void writesAllowed(boolean allowed) {
    writes = allowed;
    value.writesAllowed(allowed);
    list.writesAllowed(allowed);
    if (newKey != null) {
      newKey.setEnabled(allowed);
      newKey.setTooltipText(allowed ? null : "Read-only: tick “Allow writes” in the header first");
    }
  }

  public void bindNewKeyButton(Button b) {
    newKey = b;
    writesAllowed(writes);
  }

  public void newKey() {
    if (writes && browser != null) {
      new PutDialog(browser, "", "", this::selectLatest).open();
    }
  }

  private void pinned(long rev) {
    onPinned.accept("revision " + rev + (requestedRevision == 0 ? " (latest when loaded)" : ""));
    list.show(browser, rev);
  }

  private void select(ByteSequence key) {
    UiTasks.deliver(getContent(), browser.get(key, tree.revision()),
        details -> value.show(details, Keys.display(key)));
  }

  /** After a write the tree and list show the latest revision again (unless pinned to the past). */
  private void afterWrite() {
    if (requestedRevision == 0) {
      show(connection, separator, 0);
    }
  }

  /** After a put: the key as it is now, in a tree read again at the latest revision. */
  private void selectLatest(ByteSequence key) {
    afterWrite();
    UiTasks.deliver(getContent(), browser.get(key, 0),
        details -> value.show(details, Keys.display(key)));
  }

  private void edit() {
    Optional<io.cairn.console.core.keys.KeyDetails> shown = value.shown();
    if (shown.isPresent() && !ValueRenderer.isText(shown.get().value().getBytes())) {
      Notifications.error("This value is binary; the editor would change its bytes. Use etcdctl put.");
      return;
    }
    shown.ifPresent(d -> new PutDialog(browser, Keys.display(d.key()),
        new String(d.value().getBytes(), StandardCharsets.UTF_8), this::selectLatest).open());
  }

  private void delete() {
    value.shown().ifPresent(d -> new DeleteDialog(browser, d.key(),
        n -> {
          afterWrite();
          value.show(Optional.empty(), Keys.display(d.key()));
        }).open());
  }
}
