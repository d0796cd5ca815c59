package io.cairn.console.web.views.keys;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.value.ValueChangeMode;
import io.cairn.console.core.keys.KeyDetails;
import io.cairn.console.core.keys.KeyspaceBrowser;
import io.cairn.console.core.keys.Page;
import io.cairn.console.web.ui.Keys;
import io.cairn.console.web.ui.UiTasks;
import io.etcd.jetcd.ByteSequence;
import java.text.NumberFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/** Every key under a prefix, flat, a page at a time, with the number of matches. */
final class KeyListPanel extends VerticalLayout {
  private static final int PAGE = 200;

  private final TextField prefix = new TextField();
  private final Grid<KeyDetails> grid = new Grid<>();
  private final Span count = new Span();
  private final Button more = new Button("Load more");
  private final Button deleteAll = new Button("Delete all matches…");
  private boolean writes;
  private final List<KeyDetails> rows = new ArrayList<>();
  private final Consumer<ByteSequence> onSelect;
  private Runnable onWrite = () -> {};
  private KeyspaceBrowser browser;
  private long revision;
  private ByteSequence cursor;
  private int generation;

  KeyListPanel(Consumer<ByteSequence> onSelect) {
    this.onSelect = onSelect;
    setPadding(false);
    setSizeFull();
    prefix.setId("key-search");
    prefix.setPlaceholder("prefix, e.g. /registry/pods/");
    prefix.setPrefixComponent(VaadinIcon.SEARCH.create());
    prefix.setClearButtonVisible(true);
    prefix.setValueChangeMode(ValueChangeMode.LAZY);
    prefix.setValueChangeTimeout(400);
    prefix.setWidthFull();
    prefix.addValueChangeListener(e -> reload());
    count.setId("key-count");
    grid.setId("key-list");
    grid.addColumn(d -> Keys.display(d.key())).setHeader("Key").setFlexGrow(1).setResizable(true);
    grid.addColumn(KeyDetails::modRevision).setHeader("Mod rev").setAutoWidth(true).setFlexGrow(0);
    grid.addColumn(KeyDetails::version).setHeader("Version").setAutoWidth(true).setFlexGrow(0);
    grid.addColumn(d -> d.lease() == 0 ? "" : Keys.lease(d.lease())).setHeader("Lease")
        .setAutoWidth(true).setFlexGrow(0);
    grid.setSizeFull();
    grid.addItemClickListener(e -> onSelect.accept(e.getItem().key()));
    more.setId("key-list-more");
    more.addClickListener(e -> loadPage());
    deleteAll.setId("key-list-delete");
    deleteAll.addThemeVariants(com.vaadin.flow.component.button.ButtonVariant.LUMO_ERROR);
    deleteAll.addClickListener(e -> new DeleteDialog(browser, Keys.fromInput(prefix.getValue()), true,
        n -> onWrite.run()).open());
    HorizontalLayout footer = new HorizontalLayout(count, more, deleteAll);
    footer.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.CENTER);
    add(prefix, grid, footer);
    expand(grid);
  }

  /** Deleting every match needs writes allowed and a prefix (never the whole keyspace by accident). */
  void onWrite(Runnable r) {
    onWrite = r;
  }

  void writesAllowed(boolean allowed) {
    writes = allowed;
    updateDeleteAll();
  }

  private void updateDeleteAll() {
    deleteAll.setEnabled(writes && !prefix.getValue().isEmpty());
    deleteAll.setTooltipText(!writes ? "Read-only: tick “Allow writes” in the header first"
        : prefix.getValue().isEmpty() ? "Type a prefix first" : null);
  }

  void show(KeyspaceBrowser browser, long revision) {
    this.browser = browser;
    this.revision = revision;
    reload();
  }

  private void reload() {
    if (browser == null) {
      return;
    }
    generation++;
    updateDeleteAll();
    rows.clear();
    grid.setItems(rows);
    cursor = null;
    count.setText("counting…");
    int g = generation;
    ByteSequence p = Keys.fromInput(prefix.getValue());
    UiTasks.deliver(this, browser.count(p, revision), n -> {
      if (g == generation) {
        count.setText(NumberFormat.getIntegerInstance(Locale.ROOT).format(n)
            + (n == 1 ? " key" : " keys") + (p.isEmpty() ? "" : " match"));
      }
    });
    loadPage();
  }

  private void loadPage() {
    int g = generation;
    more.setEnabled(false);
    ByteSequence p = Keys.fromInput(prefix.getValue());
    UiTasks.deliver(this, browser.list(p, revision, cursor, PAGE), (Page<KeyDetails> page) -> {
      if (g != generation) {
        return;
      }
      rows.addAll(page.items());
      grid.getDataProvider().refreshAll();
      cursor = page.nextCursor();
      more.setEnabled(page.more());
      more.setVisible(page.more());
    });
  }
}
