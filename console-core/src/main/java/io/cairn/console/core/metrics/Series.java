package io.cairn.console.core.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Time series derived from a member's scrapes: raw gauges and counters, per-second rates and
 * histogram quantiles over a sliding window. A scrape where the member does not export the metric
 * simply has no point.
 *
 * <p>Rates and quantiles look back over {@code rateWindow}: for the scrape at time t they use the
 * oldest scrape at or after {@code t - rateWindow} as the start and add up the increases from one
 * scrape to the next, so a counter that went down (the member restarted) contributes its new value
 * instead of a negative step, as Prometheus' {@code rate} does. Unlike Prometheus there is no
 * extrapolation to the window's edges: the rate is over the time actually covered.
 */
public final class Series {
  private Series() {}

  public static List<SeriesPoint> gaugeSeries(MetricsHistory h, String member, String name,
      Map<String, String> filter) {
    return gaugeSeries(h.scrapes(member), name, filter);
  }

  /** The raw counter values (no reset handling). */
  public static List<SeriesPoint> counterSeries(MetricsHistory h, String member, String name,
      Map<String, String> filter) {
    return gaugeSeries(h.scrapes(member), name, filter);
  }

  public static List<SeriesPoint> rateSeries(MetricsHistory h, String member, String counter,
      Map<String, String> filter, Duration rateWindow) {
    return rateSeries(h.scrapes(member), counter, filter, rateWindow);
  }

  public static List<SeriesPoint> quantileSeries(MetricsHistory h, String member, String family,
      Map<String, String> filter, double q, Duration rateWindow) {
    return quantileSeries(h.scrapes(member), family, filter, q, rateWindow);
  }

  /** The value of {@code name} (summed over matching label sets) at every scrape exporting it. */
  public static List<SeriesPoint> gaugeSeries(List<Scrape> scrapes, String name,
      Map<String, String> filter) {
    List<SeriesPoint> out = new ArrayList<>();
    for (Scrape s : scrapes) {
      OptionalDouble v = s.value(name, filter);
      if (v.isPresent()) {
        out.add(new SeriesPoint(s.time(), v.getAsDouble()));
      }
    }
    return out;
  }

  /** Per-second increase of a counter over the preceding {@code rateWindow}, reset-aware. */
  public static List<SeriesPoint> rateSeries(List<Scrape> scrapes, String counter,
      Map<String, String> filter, Duration rateWindow) {
    List<SeriesPoint> raw = gaugeSeries(scrapes, counter, filter);
    List<SeriesPoint> out = new ArrayList<>();
    int start = 0;
    for (int end = 1; end < raw.size(); end++) {
      Instant t = raw.get(end).time();
      Instant from = t.minus(rateWindow);
      while (start < end && raw.get(start).time().isBefore(from)) {
        start++;
      }
      if (start == end) {
        continue;
      }
      double increase = 0;
      for (int i = start + 1; i <= end; i++) {
        double prev = raw.get(i - 1).value();
        double cur = raw.get(i).value();
        increase += cur >= prev ? cur - prev : cur;
      }
      double seconds = Duration.between(raw.get(start).time(), t).toNanos() / 1e9;
      if (seconds > 0) {
        out.add(new SeriesPoint(t, increase / seconds));
      }
    }
    return out;
  }

  /**
   * The {@code q}-quantile of the observations made during the preceding {@code rateWindow} (the
   * bucket deltas), at every scrape where there were any.
   */
  public static List<SeriesPoint> quantileSeries(List<Scrape> scrapes, String family,
      Map<String, String> filter, double q, Duration rateWindow) {
    List<Instant> times = new ArrayList<>();
    List<List<Bucket>> buckets = new ArrayList<>();
    for (Scrape s : scrapes) {
      List<Bucket> b = Histograms.buckets(s, family, filter);
      if (!b.isEmpty()) {
        times.add(s.time());
        buckets.add(b);
      }
    }
    // steps.get(i) is what was observed between scrape i-1 and scrape i.
    List<List<Bucket>> steps = new ArrayList<>();
    steps.add(List.of());
    for (int i = 1; i < buckets.size(); i++) {
      steps.add(Histograms.delta(buckets.get(i - 1), buckets.get(i)));
    }
    List<SeriesPoint> out = new ArrayList<>();
    int start = 0;
    for (int end = 1; end < times.size(); end++) {
      Instant from = times.get(end).minus(rateWindow);
      while (start < end && times.get(start).isBefore(from)) {
        start++;
      }
      if (start == end) {
        continue;
      }
      List<Bucket> window = List.of();
      for (int i = start + 1; i <= end; i++) {
        window = Histograms.sum(window, steps.get(i));
      }
      OptionalDouble v = Histograms.quantile(q, window);
      if (v.isPresent()) {
        out.add(new SeriesPoint(times.get(end), v.getAsDouble()));
      }
    }
    return out;
  }
}
