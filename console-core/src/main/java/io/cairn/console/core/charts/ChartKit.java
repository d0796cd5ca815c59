package io.cairn.console.core.charts;

import io.cairn.console.core.metrics.SeriesPoint;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Stroke;
import java.text.DateFormat;
import java.text.NumberFormat;
import java.text.SimpleDateFormat;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.TimeZone;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.Axis;
import org.jfree.chart.axis.DateAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.labels.StandardXYToolTipGenerator;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The look shared by every cluster chart: white, anti-aliased, a time axis in the user's zone. */
final class ChartKit {
  static final String NO_DATA = "No data yet for this window";
  static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 16);
  static final Font SUBTITLE_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
  static final Font AXIS_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
  static final Font TICK_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 10);
  static final Color GRID = new Color(0xDD, 0xDD, 0xDD);
  static final Color LABEL_BACKGROUND = new Color(255, 255, 255, 220);

  /** One colour per member, dark enough to read on white (no yellow). */
  private static final Color[] MEMBER_COLORS = {
      new Color(0x1F77B4), new Color(0xD62728), new Color(0x2CA02C), new Color(0x9467BD),
      new Color(0xFF7F0E), new Color(0x17BECF), new Color(0x8C564B), new Color(0xE377C2),
      new Color(0x7F7F7F), new Color(0x3B3B98)};
  /** One dash pattern per kind of line of a member (p50/p90/p99, committed/applied...). */
  private static final float[][] DASHES = {null, {8f, 4f}, {2f, 3f}, {10f, 3f, 2f, 3f}};

  private final ZoneId zone;
  private final Locale locale;

  ChartKit(ZoneId zone, Locale locale) {
    this.zone = zone;
    this.locale = locale;
  }

  /** A plot over [from, to] with a date axis and a number axis labelled {@code rangeLabel}. */
  XYPlot timePlot(Instant from, Instant to, String rangeLabel) {
    DateAxis time = new DateAxis("Time (" + zone.getId() + ")");
    TimeZone tz = TimeZone.getTimeZone(zone);
    time.setTimeZone(tz);
    time.setLocale(locale);
    // The standard units pick the tick spacing from the label widths: labels never overlap.
    time.setStandardTickUnits(DateAxis.createStandardDateTickUnits(tz, locale));
    time.setRange(Date.from(from), Date.from(to.isAfter(from) ? to : from.plusSeconds(1)));
    style(time);
    NumberAxis value = new NumberAxis(rangeLabel);
    value.setAutoRangeIncludesZero(true);
    style(value);
    XYPlot plot = new XYPlot(null, time, value, null);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(GRID);
    plot.setRangeGridlinePaint(GRID);
    plot.setOutlinePaint(GRID);
    plot.setNoDataMessage(NO_DATA);
    plot.setNoDataMessageFont(new Font(Font.SANS_SERIF, Font.ITALIC, 14));
    plot.setNoDataMessagePaint(Color.GRAY);
    return plot;
  }

  NumberAxis valueAxis(String label) {
    NumberAxis axis = new NumberAxis(label);
    style(axis);
    return axis;
  }

  static void style(Axis axis) {
    axis.setLabelFont(AXIS_FONT);
    axis.setTickLabelFont(TICK_FONT);
    axis.setLabelPaint(Color.DARK_GRAY);
    axis.setTickLabelPaint(Color.DARK_GRAY);
  }

  /** The chart around {@code plot}, with a legend when there is anything to tell apart. */
  JFreeChart chart(String title, XYPlot plot, List<String> subtitles) {
    for (int i = 0; i < plot.getRangeAxisCount(); i++) {
      if (plot.getRangeAxis(i) instanceof NumberAxis axis) {
        limitTicks(axis);
      }
    }
    JFreeChart chart = new JFreeChart(title, TITLE_FONT, plot, true);
    chart.setBackgroundPaint(Color.WHITE);
    chart.setAntiAlias(true);
    chart.setTextAntiAlias(true);
    for (String s : subtitles) {
      TextTitle t = new TextTitle(s, SUBTITLE_FONT);
      t.setPaint(Color.DARK_GRAY);
      chart.addSubtitle(t);
    }
    LegendTitle legend = chart.getLegend();
    if (legend != null) {
      legend.setPosition(RectangleEdge.BOTTOM);
      legend.setItemFont(TICK_FONT);
      legend.setBackgroundPaint(Color.WHITE);
      legend.setFrame(BlockBorder.NONE);
    }
    return chart;
  }

  /** Most ticks on a value axis: JFreeChart's own choice only avoids overlap, which is too dense. */
  static final int MAX_TICKS = 8;

  /**
   * A 1-2-5 tick step giving at most {@link #MAX_TICKS} ticks over the axis' current range (set
   * from the data when the datasets were added); integer axes never go below 1.
   */
  static void limitTicks(NumberAxis axis) {
    double length = axis.getRange().getLength();
    if (!(length > 0) || Double.isInfinite(length)) {
      return;
    }
    double raw = length / MAX_TICKS;
    double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
    double step = magnitude;
    for (double f : new double[] {1, 2, 5, 10}) {
      step = f * magnitude;
      if (step >= raw) {
        break;
      }
    }
    boolean integers = axis.getStandardTickUnits() != null
        && axis.getStandardTickUnits().getCeilingTickUnit(0.5).getSize() >= 1;
    if (integers) {
      step = Math.max(1, Math.ceil(step));
    }
    axis.setTickUnit(new NumberTickUnit(step), false, false);
  }

  static Color memberColor(int member) {
    return MEMBER_COLORS[Math.floorMod(member, MEMBER_COLORS.length)];
  }

  static Stroke stroke(int kind) {
    float[] dash = DASHES[Math.floorMod(kind, DASHES.length)];
    return dash == null ? new BasicStroke(2f)
        : new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f, dash, 0f);
  }

  /** Lines of one dataset: colour by member, dash by kind, points outside the window left out. */
  final class Lines {
    private final XYSeriesCollection dataset = new XYSeriesCollection();
    private final XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
    private final Instant from;
    private final Instant to;

    Lines(Instant from, Instant to) {
      this.from = from;
      this.to = to;
      DateFormat when = new SimpleDateFormat("HH:mm:ss", locale);
      when.setTimeZone(TimeZone.getTimeZone(zone));
      renderer.setDefaultToolTipGenerator(new StandardXYToolTipGenerator("{0}: {2} at {1}", when,
          NumberFormat.getNumberInstance(locale)));
    }

    /** Adds a series unless it has no point in the window; values are multiplied by scale. */
    Lines add(String key, int member, int kind, List<SeriesPoint> points, double scale) {
      XYSeries series = new XYSeries(key, true, true);
      for (SeriesPoint p : points) {
        if (!p.time().isBefore(from) && !p.time().isAfter(to) && Double.isFinite(p.value())) {
          series.add(p.time().toEpochMilli(), p.value() * scale);
        }
      }
      if (series.getItemCount() == 0) {
        return this;
      }
      int index = dataset.getSeriesCount();
      dataset.addSeries(series);
      renderer.setSeriesPaint(index, memberColor(member));
      renderer.setSeriesStroke(index, stroke(kind));
      // A lone point has no line to show it: draw it as a dot.
      renderer.setSeriesShapesVisible(index, series.getItemCount() < 3);
      return this;
    }

    boolean isEmpty() {
      return dataset.getSeriesCount() == 0;
    }

    XYSeriesCollection dataset() {
      return dataset;
    }

    XYLineAndShapeRenderer renderer() {
      return renderer;
    }

    /** Puts these lines on the plot as dataset {@code index}, mapped to range axis {@code axis}. */
    void addTo(XYPlot plot, int index, int axis) {
      plot.setDataset(index, dataset);
      plot.setRenderer(index, renderer);
      plot.mapDatasetToRangeAxis(index, axis);
    }
  }
}
