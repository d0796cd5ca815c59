package io.cairn.console.core.charts;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.console.core.metrics.MetricsHistory;
import io.cairn.console.core.metrics.Sample;
import io.cairn.console.core.metrics.Scrape;
import io.cairn.console.core.timeline.LeaderChange;
import io.cairn.console.core.timeline.LeaderChange.Source;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.DateAxis;
import org.jfree.chart.plot.Marker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.Layer;
import org.jfree.data.xy.XYDataset;
import org.junit.jupiter.api.Test;

/** How the charts lay out several members, a window, a quota and many changes. */
class ClusterChartsMembersTest {
  private static final Instant T0 = Instant.parse("2026-01-01T12:00:00Z");
  private final ClusterCharts charts = new ClusterCharts(ZoneId.of("Europe/Paris"), Locale.ROOT,
      m -> m.equals("http://10.0.0.1:2379") ? "alpha" : "beta");

  private static MetricsHistory twoMembers(double dbBytes, double quotaBytes) {
    MetricsHistory h = new MetricsHistory(1000);
    for (String member : List.of("http://10.0.0.1:2379", "http://10.0.0.2:2379")) {
      for (int i = 0; i < 20; i++) {
        h.add(new Scrape(T0.plusSeconds(15L * i), member, List.of(
            new Sample("etcd_mvcc_db_total_size_in_bytes", dbBytes + i),
            new Sample("etcd_mvcc_db_total_size_in_use_in_bytes", dbBytes / 2),
            new Sample("etcd_server_quota_backend_bytes", quotaBytes),
            new Sample("etcd_server_leader_changes_seen_total", 1 + i / 5))));
      }
    }
    return h;
  }

  private static List<String> keys(JFreeChart chart) {
    List<String> out = new ArrayList<>();
    XYPlot plot = chart.getXYPlot();
    for (int d = 0; d < plot.getDatasetCount(); d++) {
      XYDataset ds = plot.getDataset(d);
      for (int s = 0; ds != null && s < ds.getSeriesCount(); s++) {
        out.add(ds.getSeriesKey(s).toString());
      }
    }
    return out;
  }

  @Test
  void oneSeriesPerMemberNamedByTheLabelFunctionAndOnlyPointsInsideTheWindow() {
    MetricsHistory h = twoMembers(64 * ClusterCharts.MIB, 2048 * ClusterCharts.MIB);
    Instant from = T0.plusSeconds(60);
    Instant to = T0.plusSeconds(120);

    JFreeChart db = charts.dbSize(h, from, to);

    assertThat(keys(db)).containsExactly("alpha allocated", "alpha in use", "beta allocated", "beta in use");
    XYDataset ds = db.getXYPlot().getDataset(0);
    assertThat(ds.getItemCount(0)).isEqualTo(5); // 60, 75, 90, 105, 120 s
    assertThat(ds.getYValue(0, 0)).isBetween(64.0, 64.1);
    DateAxis time = (DateAxis) db.getXYPlot().getDomainAxis();
    assertThat(time.getLabel()).contains("Europe/Paris");
    assertThat(time.getMinimumDate().toInstant()).isEqualTo(from);
    assertThat(time.getMaximumDate().toInstant()).isEqualTo(to);
    // Far below the quota the axis follows the data, so the lines are not flattened.
    assertThat(db.getXYPlot().getRangeAxis().getUpperBound()).isLessThan(100);
  }

  @Test
  void theQuotaComesOnScaleWhenTheDatabaseNearsIt() {
    MetricsHistory h = twoMembers(1500 * ClusterCharts.MIB, 2048 * ClusterCharts.MIB);

    JFreeChart db = charts.dbSize(h, T0, T0.plus(Duration.ofMinutes(5)));

    assertThat(db.getXYPlot().getRangeAxis().getUpperBound()).isGreaterThanOrEqualTo(2048);
    assertThat(db.getXYPlot().getRangeMarkers(Layer.FOREGROUND)).hasSize(1);
  }

  @Test
  void manyChangesKeepTheirMarkersButDropTheLabelsThatWouldOverlap() {
    MetricsHistory h = twoMembers(1, 0);
    List<LeaderChange> changes = new ArrayList<>();
    for (int term = 2; term < 2 + 12; term++) {
      changes.add(new LeaderChange(T0.plusSeconds(20L * term), "a", term, "", "a", "elected",
          Source.CAIRN_EVENTS));
      changes.add(new LeaderChange(T0.plusSeconds(20L * term + 1), "b", term, "", "a", "elected",
          Source.CAIRN_EVENTS));
    }

    JFreeChart chart = charts.leaderChanges(changes, h, T0, T0.plus(Duration.ofMinutes(15)));

    var markers = chart.getXYPlot().getDomainMarkers(Layer.FOREGROUND);
    assertThat(markers).hasSize(12);
    assertThat(markers).allSatisfy(m -> assertThat(((Marker) m).getLabel()).isNull());
    assertThat(keys(chart)).contains(LeaderChart.CHANGE_SERIES, LeaderChart.TERM_SERIES,
        "alpha changes seen", "beta changes seen");
    assertThat(chart.getXYPlot().getDataset(0).getItemCount(0)).isEqualTo(12);
  }

  @Test
  void aFewChangesAreLabelledWithTermAndReason() {
    List<LeaderChange> changes = List.of(
        new LeaderChange(T0.plusSeconds(10), "a", 2, "", "a", "elected", Source.CAIRN_EVENTS),
        new LeaderChange(T0.plusSeconds(200), "b", 2, "a", "", "lost leader", Source.CAIRN_EVENTS));

    JFreeChart chart = charts.leaderChanges(changes, new MetricsHistory(1), T0,
        T0.plus(Duration.ofMinutes(5)));

    assertThat(chart.getXYPlot().getDomainMarkers(Layer.FOREGROUND))
        .extracting(m -> ((Marker) m).getLabel())
        .containsExactly("t2 elected", "t2 lost leader");
    assertThat(chart.getSubtitles()).filteredOn(TextTitle.class::isInstance)
        .extracting(t -> ((TextTitle) t).getText())
        .containsExactly("2 leader changes in this window; no leader since term 2");
  }
}
