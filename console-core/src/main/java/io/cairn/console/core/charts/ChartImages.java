package io.cairn.console.core.charts;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;

/** Renders charts to PNG on the server, without a display. */
public final class ChartImages {
  /** Larger images are refused: a request parameter must not make us allocate gigabytes. */
  public static final int MAX_SIDE = 4096;

  static {
    ensureHeadless();
  }

  private ChartImages() {}

  /**
   * Makes java.awt headless unless the application decided otherwise. It only has an effect
   * before AWT first looks at it, so the chart classes call it before they build anything.
   */
  static void ensureHeadless() {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }

  /** The chart as a PNG of exactly {@code width} x {@code height} pixels. */
  public static byte[] png(JFreeChart chart, int width, int height) {
    if (width < 1 || height < 1 || width > MAX_SIDE || height > MAX_SIDE) {
      throw new IllegalArgumentException("image size must be 1.." + MAX_SIDE + " per side, not "
          + width + "x" + height);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
    try {
      ChartUtils.writeChartAsPNG(out, chart, width, height);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
