package io.cairn.console.web.views;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.H4;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.QueryParameters;
import com.vaadin.flow.router.Route;
import io.cairn.console.core.history.Diff;
import io.cairn.console.core.history.HistoryResult;
import io.cairn.console.core.history.KeyRevision;
import io.cairn.console.core.values.ValueRenderer;
import io.cairn.console.core.session.Failures;
import io.cairn.console.web.backend.SessionState;
import io.cairn.console.web.ui.KeyParam;
import io.cairn.console.web.ui.Keys;
import io.cairn.console.web.ui.Notifications;
import io.cairn.console.web.ui.UiTasks;
import io.cairn.console.web.views.history.DiffView;
import io.etcd.jetcd.ByteSequence;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A key's history: every retained revision newest first, the compaction boundary, a diff between
 * any two revisions, and restoring an old value (a put guarded by the current mod revision).
 */
@Route(value = "history", layout = MainLayout.class)
@PageTitle("History · Cairn console")
public final class HistoryView extends VerticalLayout implements BeforeEnterObserver {
  private final TextField key = new TextField("Key");
  private final IntegerField max = new IntegerField("At most");
  private final Span summary = new Span();
  private final Span compacted = new Span();
  private final Grid<KeyRevision> grid = new Grid<>();
  private final Select<KeyRevision> older = new Select<>();
  private final Select<KeyRevision> newer = new Select<>();
  private final DiffView diff = new DiffView();
  private final Button restore = new Button("Restore this value…", VaadinIcon.ROTATE_LEFT.create());
  private final Button browseAt = new Button("Browse keyspace at this revision");
  private HistoryResult result;
  private Runnable sessionSubscription;

  public HistoryView() {
    setSizeFull();
    key.setId("history-key");
    key.setWidth("28em");
    key.setPlaceholder("e.g. /config/app");
    max.setId("history-max");
    max.setValue(1000);
    max.setMin(1);
    max.setMax(100_000);
    max.setWidth("7em");
    Button load = new Button("Load", VaadinIcon.SEARCH.create(), e -> load());
    load.setId("history-load");
    load.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
    key.addKeyPressListener(com.vaadin.flow.component.Key.ENTER, e -> load());
    HorizontalLayout bar = new HorizontalLayout(key, max, load);
    bar.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
    summary.setId("history-summary");
    compacted.setId("history-compacted");
    compacted.getStyle().set("color", "var(--lumo-warning-text-color, #8a6d00)");

    grid.setId("history-grid");
    grid.addColumn(KeyRevision::modRevision).setHeader("Revision").setAutoWidth(true).setFlexGrow(0);
    grid.addColumn(r -> r.deleted() ? "DELETE" : "PUT").setHeader("Event").setAutoWidth(true).setFlexGrow(0);
    grid.addColumn(r -> r.deleted() ? "" : String.valueOf(r.version())).setHeader("Version")
        .setAutoWidth(true).setFlexGrow(0);
    grid.addColumn(r -> r.deleted() ? "" : String.valueOf(r.createRevision())).setHeader("Created")
        .setAutoWidth(true).setFlexGrow(0);
    grid.addColumn(r -> r.lease() == 0 ? "" : Keys.lease(r.lease())).setHeader("Lease")
        .setAutoWidth(true).setFlexGrow(0);
    grid.addColumn(r -> r.deleted() ? "(deleted)" : preview(r)).setHeader("Value").setFlexGrow(1);
    grid.setClassNameGenerator(r -> r.deleted() ? "history-delete" : null);
    grid.setHeight("16em");
    grid.setWidthFull();
    grid.addItemClickListener(e -> pick(e.getItem()));

    older.setId("diff-older");
    older.setLabel("Older");
    newer.setId("diff-newer");
    newer.setLabel("Newer");
    for (Select<KeyRevision> s : List.of(older, newer)) {
      s.setItemLabelGenerator(r -> "rev " + r.modRevision() + (r.deleted() ? " (deleted)" : " v" + r.version()));
      s.addValueChangeListener(e -> showDiff());
    }
    restore.setId("history-restore");
    restore.addClickListener(e -> confirmRestore());
    browseAt.setId("history-browse-at");
    browseAt.addClickListener(e -> {
      KeyRevision r = newer.getValue();
      if (r != null) {
        getUI().ifPresent(ui -> ui.navigate("keys",
            QueryParameters.simple(Map.of("rev", String.valueOf(r.modRevision())))));
      }
    });
    HorizontalLayout diffBar = new HorizontalLayout(older, newer, restore, browseAt);
    diffBar.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
    diffBar.setWrap(true);
    add(bar, summary, compacted, grid, new H4("Diff"), diffBar, diff);
    updateRestore();
  }

  @Override
  protected void onAttach(com.vaadin.flow.component.AttachEvent event) {
    super.onAttach(event);
    sessionSubscription = SessionState.current().onChange(st -> updateRestore());
  }

  @Override
  protected void onDetach(com.vaadin.flow.component.DetachEvent event) {
    if (sessionSubscription != null) {
      sessionSubscription.run();
    }
    super.onDetach(event);
  }

  @Override
  public void beforeEnter(BeforeEnterEvent event) {
    event.getLocation().getQueryParameters().getSingleParameter("key")
        .flatMap(KeyParam::decode)
        .ifPresent(k -> {
          key.setValue(Keys.display(k));
          load();
        });
  }

  private void load() {
    if (key.getValue().isEmpty()) {
      key.setInvalid(true);
      key.setErrorMessage("etcdserver: key is not provided");
      return;
    }
    ByteSequence k = Keys.fromInput(key.getValue());
    int limit = max.getValue() == null ? 1000 : max.getValue();
    summary.setText("loading…");
    long started = System.nanoTime();
    UiTasks.deliver(this, SessionState.current().connection().history().load(k, limit), r -> {
      long ms = (System.nanoTime() - started) / 1_000_000;
      show(r, ms);
    }, e -> summary.setText("could not load the history: " + Failures.describe(e)));
  }

  private void show(HistoryResult r, long ms) {
    result = r;
    List<KeyRevision> revs = r.revisions();
    summary.setText(revs.isEmpty()
        ? "No retained revision of " + Keys.display(r.key()) + "."
        : revs.size() + (revs.size() == 1 ? " revision" : " revisions") + " of "
            + Keys.display(r.key()) + " (store at revision " + r.currentRevision() + ", loaded in "
            + ms + " ms" + (r.truncated() ? "; older ones not loaded, raise “At most”" : "") + ")");
    compacted.setText(r.compactRevision() > 0
        ? "Compaction boundary: revisions at or below " + r.compactRevision()
            + " were compacted; anything older is gone."
        : "Never compacted: the whole history is retained.");
    grid.setItems(revs);
    older.setItems(revs);
    newer.setItems(revs);
    if (!revs.isEmpty()) {
      pick(revs.get(0));
    } else {
      diff.removeAll();
    }
    updateRestore();
  }

  /** A clicked revision becomes "newer", and the one before it "older". */
  private void pick(KeyRevision r) {
    List<KeyRevision> revs = result.revisions();
    int i = revs.indexOf(r);
    newer.setValue(r);
    older.setValue(i + 1 < revs.size() ? revs.get(i + 1) : r);
    grid.select(r);
  }

  private void showDiff() {
    KeyRevision a = older.getValue();
    KeyRevision b = newer.getValue();
    updateRestore();
    if (a == null || b == null) {
      return;
    }
    diff.show(Diff.lines(text(a), text(b)));
  }

  private void updateRestore() {
    KeyRevision r = newer.getValue();
    boolean writes = SessionState.current().writesAllowed();
    boolean current = result != null && !result.revisions().isEmpty() && r == result.revisions().get(0);
    restore.setEnabled(writes && r != null && !r.deleted() && !current);
    restore.setTooltipText(!writes ? "Read-only: tick “Allow writes” in the header first"
        : current ? "This is already the current value" : null);
    browseAt.setEnabled(r != null);
  }

  private void confirmRestore() {
    KeyRevision r = newer.getValue();
    KeyRevision current = result.revisions().get(0);
    long expected = current.deleted() ? 0 : current.modRevision();
    ConfirmDialog d = new ConfirmDialog();
    d.setId("restore-dialog");
    d.setHeader("Restore revision " + r.modRevision() + "?");
    d.setText("Puts the value of revision " + r.modRevision() + " back as the current value of "
        + Keys.display(result.key()) + ", only if nobody changed the key since revision "
        + current.modRevision() + ".");
    d.setCancelable(true);
    d.setConfirmText("Restore");
    d.addConfirmListener(e -> UiTasks.deliver(this,
        SessionState.current().connection().history().restore(result.key(), r.value(), expected),
        applied -> {
          if (applied) {
            Notifications.success("restored revision " + r.modRevision());
            load();
          } else {
            Notifications.error("The key changed meanwhile; nothing was written. Reload and try again.");
          }
        }));
    d.open();
  }

  private static String text(KeyRevision r) {
    if (r.deleted()) {
      return "";
    }
    byte[] bytes = r.value().getBytes();
    return ValueRenderer.isText(bytes) ? new String(bytes, StandardCharsets.UTF_8)
        : ValueRenderer.render(bytes, io.cairn.console.core.values.Format.HEX).text();
  }

  private static String preview(KeyRevision r) {
    String t = text(r).replace('\n', ' ');
    return t.length() > 120 ? t.substring(0, 120) + "…" : t;
  }
}
