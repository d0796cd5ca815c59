package io.cairn.console.core.charts;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cairn.console.core.metrics.HttpTextSource;
import io.cairn.console.core.metrics.MetricsHistory;
import io.cairn.console.core.metrics.MetricsScraper;
import io.cairn.console.core.timeline.LeaderChange;
import io.cairn.console.core.timeline.LeaderTimeline;
import io.cairn.server.testing.MemberProcess;
import io.cairn.server.testing.ServerKind;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.title.Title;
import org.jfree.data.xy.XYDataset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/** Every chart built from the history of a real member under a small write load. */
class ClusterChartsTest {
  private static final Path OUT = Paths.get("target", "charts");
  private final ScheduledExecutorService scraping = Executors.newSingleThreadScheduledExecutor();
  private final ExecutorService load = Executors.newSingleThreadExecutor();
  private final ClusterCharts charts = new ClusterCharts(ZoneOffset.UTC, Locale.ROOT,
      ClusterCharts::endpointOf);

  @AfterEach
  void stopExecutors() {
    scraping.shutdownNow();
    load.shutdownNow();
  }

  /** Scrapes {@code m} every 300 ms while putting keys through jetcd, until 8 scrapes are in. */
  private MetricsHistory historyUnderLoad(MemberProcess m) throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    try (Client client = Client.builder().endpoints(m.clientUrl()).build();
        MetricsScraper scraper = new MetricsScraper(new HttpTextSource(), () -> List.of(m.clientUrl()),
            Duration.ofMillis(300), Duration.ofMinutes(10), Clock.systemUTC())) {
      // The first put connects the client: the load runs from the first scrape on.
      client.getKVClient().put(ByteSequence.from("load/start", UTF_8), ByteSequence.from("1", UTF_8)).get();
      Future<?> writer = load.submit(() -> {
        for (int i = 0; !stop.get(); i++) {
          client.getKVClient().put(ByteSequence.from("load/" + (i % 50), UTF_8),
              ByteSequence.from("value-" + i, UTF_8)).get();
        }
        return null;
      });
      scraper.start(scraping);
      await().atMost(Duration.ofSeconds(60)).until(() -> scraper.history().scrapes(m.clientUrl()).size() >= 8);
      stop.set(true);
      writer.get();
      return scraper.history();
    }
  }

  /** Series key to values, over every dataset of the plot. */
  private static Map<String, List<Double>> series(JFreeChart chart) {
    XYPlot plot = chart.getXYPlot();
    Map<String, List<Double>> out = new LinkedHashMap<>();
    for (int d = 0; d < plot.getDatasetCount(); d++) {
      XYDataset ds = plot.getDataset(d);
      for (int s = 0; ds != null && s < ds.getSeriesCount(); s++) {
        List<Double> values = new java.util.ArrayList<>();
        for (int i = 0; i < ds.getItemCount(s); i++) {
          values.add(ds.getYValue(s, i));
        }
        out.put(ds.getSeriesKey(s).toString(), values);
      }
    }
    return out;
  }

  private static String subtitles(JFreeChart chart) {
    StringBuilder b = new StringBuilder();
    for (Object t : chart.getSubtitles()) {
      if (t instanceof TextTitle tt) {
        b.append(tt.getText()).append('\n');
      }
    }
    return b.toString();
  }

  private static String rangeLabels(JFreeChart chart) {
    XYPlot plot = chart.getXYPlot();
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < plot.getRangeAxisCount(); i++) {
      b.append(plot.getRangeAxis(i).getLabel()).append('|');
    }
    return b.toString();
  }

  /** Renders to PNG, reads it back, and keeps it under target/charts for a person to look at. */
  private static void assertRendersAsPng(JFreeChart chart, String name) throws Exception {
    byte[] png = ChartImages.png(chart, 900, 450);
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
    assertThat(image).isNotNull();
    assertThat(image.getWidth()).isEqualTo(900);
    assertThat(image.getHeight()).isEqualTo(450);
    Files.createDirectories(OUT);
    Files.write(OUT.resolve(name + ".png"), png);
  }

  private static void assertPositive(Map<String, List<Double>> series, String key) {
    assertThat(series).containsKey(key);
    assertThat(series.get(key)).as(key).isNotEmpty();
    assertThat(series.get(key)).as(key).allSatisfy(v -> assertThat(v).isPositive());
  }

  /** A rate may be 0 before the load got going, never negative, and positive under load. */
  private static void assertRate(Map<String, List<Double>> series, String key) {
    assertThat(series).containsKey(key);
    assertThat(series.get(key)).as(key).isNotEmpty().allSatisfy(v -> assertThat(v).isNotNegative())
        .anySatisfy(v -> assertThat(v).isPositive());
  }

  private static List<LeaderChange> events(MemberProcess m) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create(m.clientUrl() + LeaderTimeline.EVENTS_PATH)).build(), HttpResponse.BodyHandlers.ofString());
    return LeaderTimeline.parseCairnEvents(r.body());
  }

  @Test
  void chartsOfACairnMemberUnderLoad(TestInfo testInfo) throws Exception {
    try (MemberProcess m = MemberProcess.builder(ServerKind.CAIRN).test(testInfo).startReady()) {
      MetricsHistory h = historyUnderLoad(m);
      String ep = m.endpoint();
      Instant to = Instant.now();
      Instant from = to.minus(Window.M5.duration());

      JFreeChart latency = charts.requestLatency(h, from, to);
      Map<String, List<Double>> lat = series(latency);
      assertThat(lat.keySet()).containsExactly(ep + " p50", ep + " p90", ep + " p99");
      lat.keySet().forEach(k -> assertPositive(lat, k));
      assertThat(lat.get(ep + " p50")).hasSizeGreaterThanOrEqualTo(5);
      assertThat(rangeLabels(latency)).contains("(ms)");
      assertThat(subtitles(latency)).contains(ClusterCharts.CAIRN_LATENCY);
      assertRendersAsPng(latency, "cairn-request-latency");

      JFreeChart disk = charts.diskLatency(h, from, to);
      Map<String, List<Double>> d = series(disk);
      assertPositive(d, ep + " WAL fsync p99");
      assertPositive(d, ep + " backend commit p99");
      assertThat(rangeLabels(disk)).contains("(ms)");
      assertRendersAsPng(disk, "cairn-disk-latency");

      JFreeChart proposals = charts.proposals(h, from, to);
      Map<String, List<Double>> p = series(proposals);
      assertRate(p, ep + " committed/s");
      assertRate(p, ep + " applied/s");
      assertThat(p).containsKeys(ep + " failed/s", ep + " pending");
      assertThat(rangeLabels(proposals)).contains("per second").contains("Pending");
      assertRendersAsPng(proposals, "cairn-proposals");

      JFreeChart db = charts.dbSize(h, from, to);
      Map<String, List<Double>> size = series(db);
      assertPositive(size, ep + " allocated");
      assertPositive(size, ep + " in use");
      assertThat(size.get(ep + " allocated")).hasSize(h.scrapes(m.clientUrl()).size());
      assertThat(size.get(ep + " allocated")).allSatisfy(v -> assertThat(v).isLessThan(100));
      assertThat(rangeLabels(db)).contains("MiB");
      assertThat(subtitles(db)).contains("quota 2048 MiB");
      assertRendersAsPng(db, "cairn-db-size");

      List<LeaderChange> changes = events(m);
      JFreeChart leaders = charts.leaderChanges(changes, h, from, to);
      Map<String, List<Double>> l = series(leaders);
      assertThat(l.get(LeaderChart.TERM_SERIES)).isNotEmpty().allSatisfy(v -> assertThat(v).isPositive());
      assertThat(l.get(LeaderChart.CHANGE_SERIES)).hasSize(1);
      assertThat(l).containsKey(ep + " changes seen");
      assertThat(leaders.getXYPlot().getDomainMarkers(org.jfree.chart.ui.Layer.FOREGROUND)).hasSize(1);
      assertThat(rangeLabels(leaders)).contains("Raft term").contains("count");
      assertThat(subtitles(leaders)).contains("1 leader change in this window");
      assertRendersAsPng(leaders, "cairn-leader-changes");
    }
  }

  @Test
  void etcdWithoutExtensiveMetricsGetsALatencyChartThatSaysSo(TestInfo testInfo) throws Exception {
    try (MemberProcess m = MemberProcess.builder(ServerKind.ETCD).test(testInfo).startReady()) {
      MetricsHistory h = historyUnderLoad(m);
      Instant to = Instant.now();
      Instant from = to.minus(Window.M5.duration());

      JFreeChart latency = charts.requestLatency(h, from, to);
      assertThat(series(latency)).isEmpty();
      assertThat(latency.getXYPlot().getNoDataMessage()).isEqualTo(ClusterCharts.NO_LATENCY);
      assertRendersAsPng(latency, "etcd-request-latency-not-exported");

      assertPositive(series(charts.diskLatency(h, from, to)), m.endpoint() + " WAL fsync p99");
      JFreeChart leaders = charts.leaderChanges(LeaderTimeline.fromMetric(h), h, from, to);
      assertThat(series(leaders)).containsOnlyKeys(m.endpoint() + " changes seen");
      assertRendersAsPng(leaders, "etcd-leader-changes");
    }
  }

  @Test
  void etcdWithExtensiveMetricsGetsLatencyFromGrpcHandlingSeconds(TestInfo testInfo) throws Exception {
    try (MemberProcess m = MemberProcess.builder(ServerKind.ETCD).test(testInfo)
        .args("--metrics=extensive").startReady()) {
      MetricsHistory h = historyUnderLoad(m);
      Instant to = Instant.now();

      JFreeChart latency = charts.requestLatency(h, to.minus(Window.M5.duration()), to);
      Map<String, List<Double>> lat = series(latency);
      assertPositive(lat, m.endpoint() + " p99");
      assertThat(subtitles(latency)).contains(ClusterCharts.ETCD_LATENCY);
      assertRendersAsPng(latency, "etcd-request-latency");
    }
  }

  @Test
  void anEmptyWindowSaysNoDataYet() throws Exception {
    MetricsHistory empty = new MetricsHistory(10);
    Instant to = Instant.parse("2026-01-01T12:00:00Z");
    Instant from = to.minus(Window.H1.duration());
    List<JFreeChart> all = List.of(charts.requestLatency(empty, from, to),
        charts.diskLatency(empty, from, to), charts.proposals(empty, from, to),
        charts.dbSize(empty, from, to), charts.leaderChanges(List.of(), empty, from, to));
    for (JFreeChart chart : all) {
      assertThat(series(chart)).as(chart.getTitle().getText()).isEmpty();
      assertThat(chart.getXYPlot().getNoDataMessage()).isEqualTo(ChartKit.NO_DATA);
      assertThat(chart.getTitle().getText()).isNotBlank();
    }
    assertRendersAsPng(all.get(0), "empty-request-latency");
  }

  @Test
  void windowsHaveLabelsAndDurations() {
    assertThat(Window.values()).extracting(Window::duration).containsExactly(Duration.ofMinutes(5),
        Duration.ofMinutes(15), Duration.ofHours(1), Duration.ofHours(6));
    assertThat(Window.H6.label()).isEqualTo("6 hours");
  }

  @Test
  void pngRefusesAbsurdSizes() {
    JFreeChart chart = charts.dbSize(new MetricsHistory(1), Instant.EPOCH, Instant.EPOCH.plusSeconds(60));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ChartImages.png(chart, 0, 100))
        .isInstanceOf(IllegalArgumentException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ChartImages.png(chart, 100_000, 100))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
