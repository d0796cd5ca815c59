package io.cairn.console.web.views;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H4;
import com.vaadin.flow.component.html.Image;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.streams.DownloadHandler;
import com.vaadin.flow.server.streams.DownloadResponse;
import io.cairn.console.core.charts.ChartImages;
import io.cairn.console.core.charts.ClusterCharts;
import io.cairn.console.core.charts.Window;
import io.cairn.console.core.metrics.MetricsHistory;
import io.cairn.console.core.timeline.LeaderChange;
import io.cairn.console.web.backend.Connection;
import io.cairn.console.web.backend.SessionState;
import io.cairn.console.web.ui.UiTasks;
import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jfree.chart.JFreeChart;

/**
 * Live charts drawn server-side with JFreeChart from the scraped {@code /metrics} of every member:
 * leader changes, request latency percentiles, disk latency, proposals and DB size, over a chosen
 * window; redrawn after every scrape. Below them, the leader changes one by one.
 */
@Route(value = "charts", layout = MainLayout.class)
@PageTitle("Charts · Cairn console")
public final class ChartsView extends VerticalLayout {
  private static final int WIDTH = 640;
  private static final int HEIGHT = 320;
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  private final Select<Window> window = new Select<>();
  private final Span updated = new Span();
  private final Map<String, Image> images = new LinkedHashMap<>();
  /** Member names by client URL, for the charts' legends (drawn on request threads). */
  private volatile Map<String, String> labels = Map.of();
  private final ClusterCharts charts = new ClusterCharts(ZoneOffset.UTC, java.util.Locale.ROOT,
      member -> labels.getOrDefault(member, ClusterCharts.endpointOf(member)));
  private final Grid<LeaderChange> changes = new Grid<>();
  private AutoCloseable scrapeSubscription;
  /** Member names by ID, so the table says "infra1" rather than a 16-digit hex ID. */
  private Map<String, String> names = Map.of();
  private int version;

  public ChartsView() {
    setSizeFull();
    window.setId("chart-window");
    window.setLabel("Window");
    window.setItems(Window.values());
    window.setItemLabelGenerator(Window::label);
    window.setValue(Window.M15);
    window.addValueChangeListener(e -> redraw());
    updated.setId("charts-updated");
    HorizontalLayout bar = new HorizontalLayout(window, updated);
    bar.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
    Div grid = new Div();
    grid.setId("charts");
    grid.setWidthFull();
    grid.getStyle().set("display", "flex").set("flex-wrap", "wrap").set("gap", "var(--lumo-space-m)");
    for (String name : List.of("leader-changes", "request-latency", "disk-latency", "proposals", "db-size")) {
      Image img = new Image();
      img.setId("chart-" + name);
      img.setWidth(WIDTH + "px");
      img.setHeight(HEIGHT + "px");
      img.getStyle().set("border", "1px solid var(--lumo-contrast-10pct)");
      images.put(name, img);
      grid.add(img);
    }
    changes.setId("leader-change-table");
    changes.addColumn(c -> TIME.format(c.time())).setHeader("Time (UTC)").setAutoWidth(true);
    changes.addColumn(c -> c.term() == 0 ? "" : String.valueOf(c.term())).setHeader("Term").setAutoWidth(true);
    changes.addColumn(c -> name(c.leader())).setHeader("New leader").setAutoWidth(true);
    changes.addColumn(c -> name(c.previousLeader())).setHeader("Previous").setAutoWidth(true);
    changes.addColumn(LeaderChange::reason).setHeader("Reason").setAutoWidth(true);
    changes.addColumn(c -> c.seenBy().stream().map(id -> names.getOrDefault(id, id))
            .collect(java.util.stream.Collectors.joining(", ")))
        .setHeader("Seen by").setAutoWidth(true);
    changes.setHeight("16em");
    add(bar, grid, new H4("Leader changes"), changes);
  }

  @Override
  protected void onAttach(AttachEvent event) {
    super.onAttach(event);
    UI ui = event.getUI();
    redraw();
    UiTasks.deliver(this, SessionState.current().connection().inspector().fetch(), o -> {
      Map<String, String> byId = new java.util.HashMap<>();
      Map<String, String> byUrl = new java.util.HashMap<>();
      o.members().stream().filter(m -> !m.name().isEmpty()).forEach(m -> {
        byId.put(m.id(), m.name());
        m.clientUrls().forEach(url -> byUrl.put(url, m.name()));
      });
      names = byId;
      labels = byUrl;
      redraw();
    }, e -> { /* names are a nicety: the table keeps the IDs */ });
    scrapeSubscription = SessionState.current().connection().scraper()
        .onScrape(() -> UiTasks.access(ui, this::redraw));
  }

  @Override
  protected void onDetach(DetachEvent event) {
    if (scrapeSubscription != null) {
      try {
        scrapeSubscription.close();
      } catch (Exception ignored) {
        // Unsubscribing from an in-memory list does not fail.
      }
    }
    super.onDetach(event);
  }

  /** New image URLs for the current window; the browser fetches each PNG, drawn on demand. */
  private void redraw() {
    Connection c = SessionState.current().connection();
    Window w = window.getValue();
    Instant to = Instant.now();
    Instant from = to.minus(w.duration());
    List<LeaderChange> leaderChanges = c.leaderChanges();
    version++;
    set("leader-changes", "Leader changes", h -> charts.leaderChanges(leaderChanges, h, from, to), c);
    set("request-latency", "Request latency p50/p90/p99", h -> charts.requestLatency(h, from, to), c);
    set("disk-latency", "WAL fsync and backend commit p99", h -> charts.diskLatency(h, from, to), c);
    set("proposals", "Proposals", h -> charts.proposals(h, from, to), c);
    set("db-size", "DB size", h -> charts.dbSize(h, from, to), c);
    List<LeaderChange> newestFirst = new ArrayList<>(leaderChanges);
    java.util.Collections.reverse(newestFirst);
    changes.setItems(newestFirst);
    updated.setText("Updated " + TIME.format(to) + " UTC · scraped every "
        + io.cairn.console.web.backend.ConsoleServices.current().config().scrapeInterval().toSeconds() + " s");
  }

  private String name(String id) {
    String n = names.get(id);
    return n == null || n.isEmpty() ? id : n + " (" + id + ")";
  }

  private void set(String name, String alt, Function<MetricsHistory, JFreeChart> build, Connection c) {
    Image img = images.get(name);
    String file = name + "-" + version + ".png";
    img.setSrc(DownloadHandler.fromInputStream(event -> {
      byte[] png = ChartImages.png(build.apply(c.scraper().history()), WIDTH, HEIGHT);
      return new DownloadResponse(new ByteArrayInputStream(png), file, "image/png", png.length);
    }));
    img.setAlt(alt);
  }
}
