package io.cairn.console.core.charts;

import io.cairn.console.core.metrics.MetricsHistory;
import io.cairn.console.core.metrics.Series;
import io.cairn.console.core.timeline.LeaderChange;
import io.cairn.console.core.timeline.LeaderChange.Source;
import io.cairn.console.core.timeline.LeaderTimeline;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.geom.Ellipse2D;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.renderer.xy.XYStepRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The leader-change chart of {@link ClusterCharts#leaderChanges}. */
final class LeaderChart {
  static final String TERM_SERIES = "Raft term";
  static final String CHANGE_SERIES = "Leader change";
  /** Beyond this many changes in the window marker labels would overlap: markers stay unlabelled. */
  static final int MAX_LABELLED_MARKERS = 8;

  private final ChartKit kit;
  private final Function<String, String> memberLabel;

  LeaderChart(ChartKit kit, Function<String, String> memberLabel) {
    this.kit = kit;
    this.memberLabel = memberLabel;
  }

  JFreeChart build(List<LeaderChange> changes, MetricsHistory h, Instant from, Instant to) {
    List<LeaderChange> merged = LeaderTimeline.merge(changes);
    List<LeaderChange> inWindow = merged.stream()
        .filter(c -> !c.time().isBefore(from) && !c.time().isAfter(to)).toList();
    XYPlot plot = kit.timePlot(from, to, "Raft term");
    plot.getRangeAxis().setStandardTickUnits(NumberAxis.createIntegerTickUnits());

    // The term as a step line: the term in force at the window's start, each change, held to the end.
    XYSeries term = new XYSeries(TERM_SERIES, true, true);
    XYSeries points = new XYSeries(CHANGE_SERIES, true, true);
    List<String> tips = new ArrayList<>();
    long current = 0;
    for (LeaderChange c : merged) {
      if (c.source() != Source.CAIRN_EVENTS || c.term() <= 0) {
        continue;
      }
      if (c.time().isBefore(from)) {
        current = c.term();
      } else if (!c.time().isAfter(to)) {
        if (term.isEmpty() && current > 0) {
          term.add(from.toEpochMilli(), current);
        }
        term.add(c.time().toEpochMilli(), c.term());
        points.add(c.time().toEpochMilli(), c.term());
        tips.add(describe(c));
        current = c.term();
      }
    }
    if (term.isEmpty() && current > 0) {
      term.add(from.toEpochMilli(), current);
    }
    if (!term.isEmpty()) {
      term.add(to.toEpochMilli(), current);
    }
    XYSeriesCollection terms = new XYSeriesCollection();
    XYStepRenderer step = new XYStepRenderer();
    XYLineAndShapeRenderer dots = new XYLineAndShapeRenderer(false, true);
    if (!term.isEmpty()) {
      terms.addSeries(term);
      step.setSeriesPaint(0, Color.BLACK);
      step.setSeriesStroke(0, new BasicStroke(2f));
    }
    XYSeriesCollection changePoints = new XYSeriesCollection();
    if (!points.isEmpty()) {
      changePoints.addSeries(points);
      dots.setSeriesPaint(0, new Color(0xFF7F0E));
      dots.setSeriesShape(0, new Ellipse2D.Double(-4, -4, 8, 8));
      dots.setDefaultToolTipGenerator((dataset, series, item) -> tips.get(item));
    }
    plot.setDataset(0, changePoints);
    plot.setRenderer(0, dots);
    plot.setDataset(1, terms);
    plot.setRenderer(1, step);

    ChartKit.Lines seen = kit.new Lines(from, to);
    int m = 0;
    for (String member : h.members()) {
      seen.add(memberLabel.apply(member) + " changes seen", m++, 1, Series.counterSeries(h, member,
          LeaderTimeline.LEADER_CHANGES_METRIC, Map.of()), 1);
    }
    NumberAxis count = kit.valueAxis("Leader changes seen (count)");
    count.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    plot.setRangeAxis(1, count);
    seen.addTo(plot, 2, 1);

    boolean labelled = inWindow.size() <= MAX_LABELLED_MARKERS;
    Instant middle = from.plus(Duration.between(from, to).dividedBy(2));
    for (LeaderChange c : inWindow) {
      plot.addDomainMarker(marker(c, labelled, c.time().isAfter(middle)));
    }
    return kit.chart("Leader changes", plot, List.of(summary(inWindow, merged)));
  }

  /** A line at the change; its label goes left of the line in the window's right half. */
  private ValueMarker marker(LeaderChange c, boolean labelled, boolean labelLeft) {
    Color color = c.source() == Source.METRIC ? Color.GRAY
        : c.lostLeader() ? new Color(0xD62728) : new Color(0xFF7F0E);
    ValueMarker marker = new ValueMarker(c.time().toEpochMilli(), color, ChartKit.stroke(1));
    if (labelled) {
      marker.setLabel(c.term() > 0 ? "t" + c.term() + " " + c.reason() : c.reason());
      marker.setLabelFont(ChartKit.TICK_FONT);
      marker.setLabelPaint(color.darker());
      marker.setLabelBackgroundColor(ChartKit.LABEL_BACKGROUND);
      marker.setLabelOffset(new RectangleInsets(4, 6, 4, 6));
      marker.setLabelAnchor(labelLeft ? RectangleAnchor.TOP_LEFT : RectangleAnchor.TOP_RIGHT);
      marker.setLabelTextAnchor(labelLeft ? TextAnchor.TOP_RIGHT : TextAnchor.TOP_LEFT);
    }
    return marker;
  }

  private String describe(LeaderChange c) {
    String who = c.leader().isEmpty() ? "no leader" : "leader " + c.leader();
    return "term " + c.term() + ": " + c.reason() + ", " + who
        + (c.previousLeader().isEmpty() ? "" : " (was " + c.previousLeader() + ")")
        + "; seen by " + String.join(", ", c.seenBy());
  }

  private static String summary(List<LeaderChange> inWindow, List<LeaderChange> all) {
    String last = all.stream().filter(c -> c.source() == Source.CAIRN_EVENTS)
        .reduce((a, b) -> b)
        .map(c -> c.leader().isEmpty() ? "; no leader since term " + c.term()
            : "; leader " + c.leader() + " since term " + c.term())
        .orElse("");
    return inWindow.size() + (inWindow.size() == 1 ? " leader change" : " leader changes")
        + " in this window" + last;
  }
}
