package io.cairn.server.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Registers metric families on one registry with the Go client's semantics: fixed help texts,
 * classic histograms only with explicit buckets, unlabeled series present from the start.
 */
final class Families {
  private final PrometheusRegistry registry;
  private final Set<String> plainCounters = ConcurrentHashMap.newKeySet();

  Families(PrometheusRegistry registry) {
    this.registry = registry;
  }

  /** A counter whose exposed name is {@code name}, which should end in {@code _total}. */
  Counter counter(String name, String help, String... labels) {
    Counter c =
        Counter.builder()
            .name(name)
            .help(help)
            .labelNames(labels)
            .withoutExemplars()
            .register(registry);
    if (!name.endsWith("_total")) {
      plainCounters.add(name);
    }
    return c;
  }

  Gauge gauge(String name, String help, String... labels) {
    return Gauge.builder()
        .name(name)
        .help(help)
        .labelNames(labels)
        .withoutExemplars()
        .register(registry);
  }

  /** A gauge whose value is read from a supplier at every scrape; 0 until one is bound. */
  SuppliedGauge suppliedGauge(String name, String help) {
    SuppliedGauge g = new SuppliedGauge();
    GaugeWithCallback.builder()
        .name(name)
        .help(help)
        .callback(cb -> cb.call(g.value()))
        .register(registry);
    return g;
  }

  Histogram histogram(String name, String help, double[] buckets, String... labels) {
    return Histogram.builder()
        .name(name)
        .help(help)
        .classicOnly()
        .classicUpperBounds(buckets)
        .labelNames(labels)
        .withoutExemplars()
        .register(registry);
  }

  /** Counters registered under a name without {@code _total}; the writer keeps their name. */
  Set<String> plainCounters() {
    return plainCounters;
  }

  /** {@code count} bounds {@code start}, {@code start*factor}, ..., computed as Go computes them. */
  static double[] exponential(double start, double factor, int count) {
    double[] b = new double[count];
    double v = start;
    for (int i = 0; i < count; i++) {
      b[i] = v;
      v *= factor;
    }
    return b;
  }
}
