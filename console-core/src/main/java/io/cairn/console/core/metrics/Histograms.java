package io.cairn.console.core.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * Histogram arithmetic on scraped {@code _bucket} samples, with the semantics of Prometheus'
 * {@code histogram_quantile} so that the console shows the numbers an operator's Grafana would.
 */
public final class Histograms {
  private Histograms() {}

  /**
   * The buckets of histogram {@code family} (the name without {@code _bucket}) in {@code scrape},
   * summed per {@code le} over every label set that includes {@code filter}; sorted by bound,
   * empty when the member does not export the family.
   */
  public static List<Bucket> buckets(Scrape scrape, String family, Map<String, String> filter) {
    String name = family + "_bucket";
    TreeMap<Double, Double> byBound = new TreeMap<>();
    for (Sample s : scrape.samples()) {
      if (!s.name().equals(name) || !s.matches(filter)) {
        continue;
      }
      String le = s.label("le");
      Double bound = le == null ? null : PrometheusText.value(le);
      if (bound == null || bound.isNaN()) {
        continue;
      }
      byBound.merge(bound, s.value(), Double::sum);
    }
    List<Bucket> out = new ArrayList<>(byBound.size());
    byBound.forEach((bound, count) -> out.add(new Bucket(bound, count)));
    return out;
  }

  /**
   * The observations made between two scrapes of the same histogram, per bucket. If any bucket
   * went down the member restarted in between (its counters began again at zero), so everything
   * it counted since is {@code later} itself. A bound missing from {@code earlier} counts from 0.
   */
  public static List<Bucket> delta(List<Bucket> earlier, List<Bucket> later) {
    Map<Double, Double> before = new TreeMap<>();
    for (Bucket b : earlier) {
      before.merge(b.upperBound(), b.count(), Double::sum);
    }
    for (Bucket b : later) {
      if (b.count() < before.getOrDefault(b.upperBound(), 0.0)) {
        return List.copyOf(later);
      }
    }
    List<Bucket> out = new ArrayList<>(later.size());
    for (Bucket b : later) {
      out.add(new Bucket(b.upperBound(), b.count() - before.getOrDefault(b.upperBound(), 0.0)));
    }
    return out;
  }

  /** Adds two bucket lists bound by bound (to accumulate deltas over several scrapes). */
  public static List<Bucket> sum(List<Bucket> a, List<Bucket> b) {
    TreeMap<Double, Double> byBound = new TreeMap<>();
    for (Bucket x : a) {
      byBound.merge(x.upperBound(), x.count(), Double::sum);
    }
    for (Bucket x : b) {
      byBound.merge(x.upperBound(), x.count(), Double::sum);
    }
    List<Bucket> out = new ArrayList<>(byBound.size());
    byBound.forEach((bound, count) -> out.add(new Bucket(bound, count)));
    return out;
  }

  /**
   * The {@code q}-quantile of cumulative {@code buckets}, exactly as Prometheus'
   * {@code histogram_quantile}: buckets are sorted and equal bounds merged; counts are forced to
   * be monotonic; the rank {@code q * total} is found in the first bucket whose count reaches it
   * and interpolated linearly inside it (the lowest bucket starts at 0, unless its bound is not
   * positive, then the bound is the answer); a rank in the {@code +Inf} bucket answers the
   * highest finite bound. Empty when Prometheus would answer NaN: no {@code +Inf} bucket, fewer
   * than two buckets, no observations, or an empty bucket to interpolate in. {@code q < 0} answers
   * -Inf and {@code q > 1} +Inf, as in Prometheus.
   */
  public static OptionalDouble quantile(double q, List<Bucket> buckets) {
    if (Double.isNaN(q) || buckets.isEmpty()) {
      return OptionalDouble.empty();
    }
    if (q < 0) {
      return OptionalDouble.of(Double.NEGATIVE_INFINITY);
    }
    if (q > 1) {
      return OptionalDouble.of(Double.POSITIVE_INFINITY);
    }
    TreeMap<Double, Double> merged = new TreeMap<>();
    for (Bucket b : buckets) {
      if (!Double.isNaN(b.upperBound())) {
        merged.merge(b.upperBound(), b.count(), Double::sum);
      }
    }
    if (merged.isEmpty() || merged.lastKey() != Double.POSITIVE_INFINITY || merged.size() < 2) {
      return OptionalDouble.empty();
    }
    int n = merged.size();
    double[] bound = new double[n];
    double[] count = new double[n];
    int i = 0;
    double max = Double.NEGATIVE_INFINITY;
    for (Map.Entry<Double, Double> e : merged.entrySet()) {
      bound[i] = e.getKey();
      // Scrapes are not atomic, so a higher bucket can briefly read lower; Prometheus lifts it.
      max = Math.max(max, e.getValue());
      count[i] = max;
      i++;
    }
    double total = count[n - 1];
    if (total == 0 || Double.isNaN(total)) {
      return OptionalDouble.empty();
    }
    double rank = q * total;
    int b = 0;
    while (b < n - 1 && count[b] < rank) {
      b++;
    }
    if (b == n - 1) {
      return OptionalDouble.of(bound[n - 2]);
    }
    if (b == 0 && bound[0] <= 0) {
      return OptionalDouble.of(bound[0]);
    }
    double start = 0;
    double inBucket = count[b];
    if (b > 0) {
      start = bound[b - 1];
      inBucket -= count[b - 1];
      rank -= count[b - 1];
    }
    double result = start + (bound[b] - start) * (rank / inBucket);
    return Double.isNaN(result) ? OptionalDouble.empty() : OptionalDouble.of(result);
  }
}
