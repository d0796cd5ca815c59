package io.cairn.console.core.charts;

import io.cairn.console.core.metrics.MetricsHistory;
import io.cairn.console.core.metrics.Scrape;
import io.cairn.console.core.metrics.Series;
import io.cairn.console.core.metrics.SeriesPoint;
import io.cairn.console.core.timeline.LeaderChange;
import java.awt.Color;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Function;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;

/**
 * Builds the cluster charts of a time window from the scraped history. Each chart has one line
 * per member (or per member and quantity, same colour per member, a dash per quantity), axes with
 * units, and says "no data yet" when the window holds nothing. Pure computation on the history:
 * safe on any thread, no network.
 */
public final class ClusterCharts {
  public static final String CAIRN_LATENCY = "cairn_request_duration_seconds";
  public static final String ETCD_LATENCY = "grpc_server_handling_seconds";
  public static final String NO_LATENCY = "No latency histogram exported"
      + " (etcd 3.4 exports one only with --metrics=extensive)";
  static final double MIB = 1024.0 * 1024.0;
  private static final double[] QUANTILES = {0.5, 0.9, 0.99};

  private final ChartKit kit;
  private final Function<String, String> memberLabel;

  /** Times in the system's zone; members labelled by their endpoint (the URL without scheme). */
  public ClusterCharts() {
    this(ZoneId.systemDefault(), Locale.getDefault(), ClusterCharts::endpointOf);
  }

  /** Times in {@code zone}; {@code memberLabel} names a member (e.g. by its etcd member name). */
  public ClusterCharts(ZoneId zone, Locale locale, Function<String, String> memberLabel) {
    ChartImages.ensureHeadless();
    this.kit = new ChartKit(zone, locale);
    this.memberLabel = memberLabel;
  }

  /** {@code https://10.0.0.1:2379} becomes {@code 10.0.0.1:2379}. */
  public static String endpointOf(String member) {
    int scheme = member.indexOf("://");
    return scheme < 0 ? member : member.substring(scheme + 3);
  }

  /**
   * Leader changes: the Raft term as a cluster-wide step line, a marker per change labelled with
   * its reason, and each member's {@code etcd_server_leader_changes_seen_total} on a second axis.
   */
  public JFreeChart leaderChanges(List<LeaderChange> changes,
      MetricsHistory h, Instant from, Instant to) {
    return new LeaderChart(kit, memberLabel).build(changes, h, from, to);
  }

  /**
   * Client request latency p50/p90/p99 in milliseconds, from {@value #CAIRN_LATENCY} where the
   * member exports it, else from etcd's {@value #ETCD_LATENCY} (unary calls only: a watch stream
   * would count as one endless request); says so when a member exports neither.
   */
  public JFreeChart requestLatency(MetricsHistory h, Instant from, Instant to) {
    Duration window = rateWindow(h, from, to);
    ChartKit.Lines lines = kit.new Lines(from, to);
    List<String> sources = new ArrayList<>();
    int m = 0;
    for (String member : h.members()) {
      Optional<Map.Entry<String, Map<String, String>>> source = latencySource(h, member);
      if (source.isPresent()) {
        String family = source.get().getKey();
        if (!sources.contains(family)) {
          sources.add(family);
        }
        for (int k = 0; k < QUANTILES.length; k++) {
          lines.add(label(member) + " p" + Math.round(QUANTILES[k] * 100), m, k,
              Series.quantileSeries(h, member, family, source.get().getValue(), QUANTILES[k], window),
              1000);
        }
      }
      m++;
    }
    XYPlot plot = kit.timePlot(from, to, "Latency (ms)");
    lines.addTo(plot, 0, 0);
    List<String> subtitles = new ArrayList<>();
    if (sources.isEmpty()) {
      plot.setNoDataMessage(h.members().isEmpty() ? ChartKit.NO_DATA : NO_LATENCY);
    } else {
      subtitles.add("From " + String.join(" and ", sources) + ", over " + human(window));
    }
    return kit.chart("Request latency", plot, subtitles);
  }

  /** p99 of WAL fsync and backend commit durations per member, in milliseconds. */
  public JFreeChart diskLatency(MetricsHistory h, Instant from, Instant to) {
    Duration window = rateWindow(h, from, to);
    ChartKit.Lines lines = kit.new Lines(from, to);
    int m = 0;
    for (String member : h.members()) {
      lines.add(label(member) + " WAL fsync p99", m, 0, Series.quantileSeries(h, member,
          "etcd_disk_wal_fsync_duration_seconds", Map.of(), 0.99, window), 1000);
      lines.add(label(member) + " backend commit p99", m, 1, Series.quantileSeries(h, member,
          "etcd_disk_backend_commit_duration_seconds", Map.of(), 0.99, window), 1000);
      m++;
    }
    XYPlot plot = kit.timePlot(from, to, "Duration p99 (ms)");
    lines.addTo(plot, 0, 0);
    return kit.chart("Disk latency", plot, List.of("p99 over " + human(window)));
  }

  /** Committed, applied and failed proposals per second, and pending proposals on a second axis. */
  public JFreeChart proposals(MetricsHistory h, Instant from, Instant to) {
    Duration window = rateWindow(h, from, to);
    ChartKit.Lines rates = kit.new Lines(from, to);
    ChartKit.Lines pending = kit.new Lines(from, to);
    int m = 0;
    for (String member : h.members()) {
      String name = label(member);
      rates.add(name + " committed/s", m, 0, Series.rateSeries(h, member,
          "etcd_server_proposals_committed_total", Map.of(), window), 1);
      rates.add(name + " applied/s", m, 1, Series.rateSeries(h, member,
          "etcd_server_proposals_applied_total", Map.of(), window), 1);
      rates.add(name + " failed/s", m, 3, Series.rateSeries(h, member,
          "etcd_server_proposals_failed_total", Map.of(), window), 1);
      pending.add(name + " pending", m, 2, Series.gaugeSeries(h, member,
          "etcd_server_proposals_pending", Map.of()), 1);
      m++;
    }
    XYPlot plot = kit.timePlot(from, to, "Proposals per second");
    rates.addTo(plot, 0, 0);
    NumberAxis pendingAxis = kit.valueAxis("Pending proposals (count)");
    pendingAxis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    plot.setRangeAxis(1, pendingAxis);
    pending.addTo(plot, 1, 1);
    return kit.chart("Raft proposals", plot, List.of("Rates over " + human(window)));
  }

  /**
   * Backend size per member in MiB, physically allocated and in use, and the backend quota as a
   * line when the members export it (shown on the scale once the database gets near it).
   */
  public JFreeChart dbSize(MetricsHistory h, Instant from, Instant to) {
    ChartKit.Lines lines = kit.new Lines(from, to);
    double quota = 0;
    double largest = 0;
    int m = 0;
    for (String member : h.members()) {
      List<SeriesPoint> total = Series.gaugeSeries(h, member, "etcd_mvcc_db_total_size_in_bytes", Map.of());
      lines.add(label(member) + " allocated", m, 0, total, 1 / MIB);
      lines.add(label(member) + " in use", m, 1, Series.gaugeSeries(h, member,
          "etcd_mvcc_db_total_size_in_use_in_bytes", Map.of()), 1 / MIB);
      for (SeriesPoint p : total) {
        if (!p.time().isBefore(from) && !p.time().isAfter(to)) {
          largest = Math.max(largest, p.value());
        }
      }
      OptionalDouble q = h.latest(member).map(s -> s.value("etcd_server_quota_backend_bytes"))
          .orElse(OptionalDouble.empty());
      quota = Math.max(quota, q.orElse(0));
      m++;
    }
    XYPlot plot = kit.timePlot(from, to, "Size (MiB)");
    lines.addTo(plot, 0, 0);
    List<String> subtitles = new ArrayList<>();
    if (quota > 0) {
      ValueMarker line = new ValueMarker(quota / MIB, Color.RED, ChartKit.stroke(1));
      line.setLabel(String.format(Locale.ROOT, "quota %.0f MiB", quota / MIB));
      line.setLabelFont(ChartKit.TICK_FONT);
      line.setLabelBackgroundColor(ChartKit.LABEL_BACKGROUND);
      line.setLabelAnchor(RectangleAnchor.TOP_LEFT);
      line.setLabelTextAnchor(TextAnchor.BOTTOM_LEFT);
      plot.addRangeMarker(line);
      // Far below the quota its line would flatten every member to zero: show it only when near.
      if (largest * 2 >= quota) {
        plot.getRangeAxis().setRange(0, quota / MIB * 1.05);
      }
      subtitles.add(String.format(Locale.ROOT, "Backend quota %.0f MiB; largest member at %.1f%%",
          quota / MIB, 100 * largest / quota));
    }
    return kit.chart("Database size", plot, subtitles);
  }

  /**
   * How far back rates and quantiles look: four scrape intervals (so that a missed scrape does not
   * break the line) or a hundredth of the window, whichever is longer.
   */
  static Duration rateWindow(MetricsHistory h, Instant from, Instant to) {
    Duration interval = Duration.ofSeconds(15);
    for (String member : h.members()) {
      List<Scrape> s = h.scrapes(member);
      if (s.size() >= 2) {
        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < s.size(); i++) {
          gaps.add(Duration.between(s.get(i - 1).time(), s.get(i).time()).toMillis());
        }
        gaps.sort(null);
        interval = Duration.ofMillis(Math.max(1, gaps.get(gaps.size() / 2)));
        break;
      }
    }
    Duration byWindow = Duration.between(from, to).dividedBy(100);
    Duration byInterval = interval.multipliedBy(4);
    return byWindow.compareTo(byInterval) > 0 ? byWindow : byInterval;
  }

  private static Optional<Map.Entry<String, Map<String, String>>> latencySource(MetricsHistory h,
      String member) {
    Optional<Scrape> latest = h.latest(member);
    if (latest.isEmpty()) {
      return Optional.empty();
    }
    if (latest.get().has(CAIRN_LATENCY + "_bucket")) {
      return Optional.of(Map.entry(CAIRN_LATENCY, Map.of()));
    }
    if (latest.get().has(ETCD_LATENCY + "_bucket")) {
      return Optional.of(Map.entry(ETCD_LATENCY, Map.of("grpc_type", "unary")));
    }
    return Optional.empty();
  }

  private String label(String member) {
    return memberLabel.apply(member);
  }

  static String human(Duration d) {
    long s = d.toSeconds();
    if (s < 60) {
      return Math.max(1, s) + " s";
    }
    return s % 60 == 0 ? s / 60 + " min" : s / 60 + " min " + s % 60 + " s";
  }
}
