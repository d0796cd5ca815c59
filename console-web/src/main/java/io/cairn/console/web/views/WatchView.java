package io.cairn.console.web.views;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H4;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.streams.DownloadHandler;
import io.cairn.console.core.history.Diff;
import io.cairn.console.core.values.ValueRenderer;
import io.cairn.console.core.watch.WatchExport;
import io.cairn.console.core.watch.WatchListener;
import io.cairn.console.core.watch.WatchNotice;
import io.cairn.console.core.watch.WatchSubscription;
import io.cairn.console.core.watch.WatchedEvent;
import io.cairn.console.web.backend.SessionState;
import io.cairn.console.web.ui.KeyParam;
import io.cairn.console.web.ui.Keys;
import io.cairn.console.web.ui.UiTasks;
import io.cairn.console.web.views.history.DiffView;
import io.etcd.jetcd.ByteSequence;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A live event stream on a key or prefix, from now or from a past revision. Pausing keeps
 * receiving (nothing is lost for the export) but freezes the table; the filter hides event types.
 */
@Route(value = "watch", layout = MainLayout.class)
@PageTitle("Watch · Cairn console")
public final class WatchView extends VerticalLayout implements BeforeEnterObserver {
  /** The newest events kept for the table and the export; older ones are dropped (and counted). */
  static final int KEEP = 10_000;
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

  private final TextField key = new TextField("Key or prefix");
  private final Checkbox prefix = new Checkbox("Prefix", true);
  private final TextField fromRevision = new TextField("From revision");
  private final Checkbox prevKv = new Checkbox("Previous values", true);
  private final Button start = new Button("Start", VaadinIcon.PLAY.create());
  private final Button stop = new Button("Stop", VaadinIcon.STOP.create());
  private final Button pause = new Button("Pause", VaadinIcon.PAUSE.create());
  private final Checkbox showPuts = new Checkbox("PUT", true);
  private final Checkbox showDeletes = new Checkbox("DELETE", true);
  private final Span status = new Span("Not watching.");
  private final Div notices = new Div();
  private final Grid<WatchedEvent> grid = new Grid<>();
  private final DiffView diff = new DiffView();
  private final Deque<WatchedEvent> seen = new ArrayDeque<>();
  private WatchSubscription subscription;
  private boolean paused;
  private long received;
  private long dropped;

  public WatchView() {
    setSizeFull();
    key.setId("watch-key");
    key.setWidth("24em");
    key.setPlaceholder("empty = the whole keyspace");
    prefix.setId("watch-prefix");
    fromRevision.setId("watch-from");
    fromRevision.setPlaceholder("now");
    fromRevision.setAllowedCharPattern("[0-9]");
    fromRevision.setWidth("8em");
    prevKv.setId("watch-prevkv");
    start.setId("watch-start");
    start.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
    start.addClickListener(e -> start());
    stop.setId("watch-stop");
    stop.addClickListener(e -> stop("Stopped."));
    pause.setId("watch-pause");
    pause.addClickListener(e -> togglePause());
    showPuts.setId("watch-show-puts");
    showDeletes.setId("watch-show-deletes");
    showPuts.addValueChangeListener(e -> refresh());
    showDeletes.addValueChangeListener(e -> refresh());
    HorizontalLayout bar = new HorizontalLayout(key, prefix, fromRevision, prevKv, start, stop, pause);
    bar.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
    bar.setWrap(true);
    Anchor jsonl = download("watch-events.jsonl", "Export JSON lines", "watch-export-jsonl", true);
    Anchor csv = download("watch-events.csv", "Export CSV", "watch-export-csv", false);
    HorizontalLayout filter = new HorizontalLayout(new Span("Show:"), showPuts, showDeletes, status, jsonl, csv);
    filter.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.CENTER);
    filter.setWrap(true);
    status.setId("watch-status");
    notices.setId("watch-notices");
    notices.getStyle().set("font-size", "var(--lumo-font-size-s)");

    grid.setId("watch-events");
    grid.addColumn(e -> TIME.format(e.received())).setHeader("Received (UTC)").setWidth("10em").setFlexGrow(0);
    grid.addColumn(WatchedEvent::revision).setHeader("Revision").setWidth("8em").setFlexGrow(0);
    grid.addComponentColumn(e -> {
      Span badge = new Span(e.type().name());
      badge.getElement().getThemeList().add(e.type() == WatchedEvent.Type.PUT ? "badge success" : "badge error");
      return badge;
    }).setHeader("Type").setWidth("7em").setFlexGrow(0);
    grid.addColumn(e -> Keys.display(e.key())).setHeader("Key").setFlexGrow(1).setResizable(true);
    grid.addColumn(e -> e.type() == WatchedEvent.Type.DELETE ? "" : preview(e.value())).setHeader("Value").setFlexGrow(1);
    grid.setClassNameGenerator(e -> e.type() == WatchedEvent.Type.DELETE ? "watch-delete" : "watch-put");
    grid.setWidthFull();
    grid.setHeight("50vh");
    grid.addItemClickListener(e -> diff.show(Diff.lines(text(e.getItem().prevValue()), text(e.getItem().value()))));
    add(bar, filter, notices, grid, new H4("Previous → new value of the selected event"), diff);
    updateButtons();
  }

  @Override
  public void beforeEnter(BeforeEnterEvent event) {
    event.getLocation().getQueryParameters().getSingleParameter("key").flatMap(KeyParam::decode)
        .ifPresent(k -> {
          key.setValue(Keys.display(k));
          prefix.setValue(false);
        });
  }

  @Override
  protected void onAttach(AttachEvent event) {
    super.onAttach(event);
    if (!key.getValue().isEmpty() && subscription == null && !prefix.getValue()) {
      start(); // opened from a key's "Watch" button
    }
  }

  @Override
  protected void onDetach(DetachEvent event) {
    stop("Stopped.");
    super.onDetach(event);
  }

  private void start() {
    stop(null);
    seen.clear();
    received = 0;
    dropped = 0;
    notices.removeAll();
    refresh();
    ByteSequence k = Keys.fromInput(key.getValue());
    boolean asPrefix = prefix.getValue() || k.isEmpty();
    long from = fromRevision.getValue().isEmpty() ? 0 : Long.parseLong(fromRevision.getValue());
    UI ui = UI.getCurrent();
    subscription = WatchSubscription.start(SessionState.current().connection().session().client(),
        k, asPrefix, from, prevKv.getValue(),
        new WatchListener() {
          @Override
          public void onEvents(List<WatchedEvent> batch) {
            UiTasks.access(ui, () -> arrived(batch));
          }

          @Override
          public void onNotice(WatchNotice notice) {
            UiTasks.access(ui, () -> notice(notice));
          }
        });
    status.setText("Watching " + (k.isEmpty() ? "every key" : (asPrefix ? "prefix " : "key ") + Keys.display(k))
        + (from == 0 ? " from now" : " from revision " + from) + ".");
    updateButtons();
  }

  private void stop(String message) {
    if (subscription != null) {
      subscription.close();
      subscription = null;
      if (message != null) {
        status.setText(message + " " + received + " events received.");
      }
    }
    paused = false;
    updateButtons();
  }

  private void togglePause() {
    paused = !paused;
    if (!paused) {
      refresh();
    }
    updateButtons();
  }

  private void arrived(List<WatchedEvent> batch) {
    if (subscription == null) {
      return;
    }
    for (WatchedEvent e : batch) {
      seen.addFirst(e);
      received++;
      if (seen.size() > KEEP) {
        seen.removeLast();
        dropped++;
      }
    }
    if (!paused) {
      refresh();
    }
    status.setText(received + " events received, up to revision " + subscription.lastRevision()
        + (paused ? " (paused: the table is frozen)" : "")
        + (dropped > 0 ? "; oldest " + dropped + " dropped from view" : "") + ".");
  }

  private void notice(WatchNotice n) {
    Div line = new Div(TIME.format(java.time.Instant.now()) + " " + n.kind() + ": " + n.message());
    line.addClassName("watch-notice-" + n.kind().name().toLowerCase(java.util.Locale.ROOT));
    if (n.kind() == WatchNotice.Kind.COMPACTED || n.kind() == WatchNotice.Kind.ERROR) {
      line.getStyle().set("color", "var(--lumo-error-text-color)");
    }
    notices.addComponentAsFirst(line);
    while (notices.getComponentCount() > 20) {
      notices.remove(notices.getComponentAt(notices.getComponentCount() - 1));
    }
  }

  private void refresh() {
    List<WatchedEvent> shown = new ArrayList<>();
    for (WatchedEvent e : seen) {
      if (e.type() == WatchedEvent.Type.PUT ? showPuts.getValue() : showDeletes.getValue()) {
        shown.add(e);
      }
    }
    grid.setItems(shown);
  }

  private void updateButtons() {
    boolean on = subscription != null;
    start.setText(on ? "Restart" : "Start");
    stop.setEnabled(on);
    pause.setEnabled(on);
    pause.setText(paused ? "Resume" : "Pause");
    pause.setIcon(paused ? VaadinIcon.PLAY.create() : VaadinIcon.PAUSE.create());
  }

  private Anchor download(String file, String label, String id, boolean jsonLines) {
    Anchor a = new Anchor(DownloadHandler.fromInputStream(event -> {
      List<WatchedEvent> copy = new ArrayList<>();
      event.getUI().accessSynchronously(() -> copy.addAll(seen));
      java.util.Collections.reverse(copy); // oldest first in files
      byte[] bytes = (jsonLines ? WatchExport.jsonLines(copy) : WatchExport.csv(copy))
          .getBytes(StandardCharsets.UTF_8);
      return new com.vaadin.flow.server.streams.DownloadResponse(
          new java.io.ByteArrayInputStream(bytes), file,
          jsonLines ? "application/x-ndjson" : "text/csv", bytes.length);
    }), label);
    a.setId(id);
    a.getElement().setAttribute("download", file);
    return a;
  }

  private static String text(ByteSequence v) {
    if (v == null || v.isEmpty()) {
      return "";
    }
    byte[] b = v.getBytes();
    return ValueRenderer.isText(b) ? new String(b, StandardCharsets.UTF_8)
        : ValueRenderer.render(b, io.cairn.console.core.values.Format.HEX).text();
  }

  private static String preview(ByteSequence v) {
    String t = text(v).replace('\n', ' ');
    return t.length() > 100 ? t.substring(0, 100) + "…" : t;
  }
}
