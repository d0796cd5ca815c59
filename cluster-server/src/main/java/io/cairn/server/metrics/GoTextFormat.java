package io.cairn.server.metrics;

import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Label;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.PrometheusNaming;
import io.prometheus.metrics.model.snapshots.Quantile;
import io.prometheus.metrics.model.snapshots.StateSetSnapshot;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.prometheus.metrics.model.snapshots.UnknownSnapshot;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Writes metric snapshots in the Prometheus text format 0.0.4 exactly as the Go client does, so
 * that scrapes of Cairn and of etcd compare line for line: families sorted by name, series sorted
 * by label values, floats in Go's shortest form ({@code le="0.001"}, {@code 1}, {@code
 * 2.4829952e+07}), bucket counts cumulative, no {@code _created} series.
 *
 * <p>Counters are exposed under their name with {@code _total}, except those registered under
 * a name without it (etcd has a few, e.g. {@code etcd_server_health_success}), which are listed
 * in {@code plainCounters}.
 */
final class GoTextFormat {
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final Set<String> plainCounters;

  GoTextFormat(Set<String> plainCounters) {
    this.plainCounters = Set.copyOf(plainCounters);
  }

  String write(MetricSnapshots snapshots) {
    TreeMap<String, MetricSnapshot> byName = new TreeMap<>();
    for (MetricSnapshot s : snapshots) {
      if (!s.getDataPoints().isEmpty()) {
        byName.put(familyName(s), s);
      }
    }
    StringBuilder out = new StringBuilder(64 * 1024);
    byName.forEach((name, s) -> writeFamily(out, name, s));
    return out.toString();
  }

  private String familyName(MetricSnapshot s) {
    String name = PrometheusNaming.prometheusName(s.getMetadata().getName());
    if (s instanceof CounterSnapshot && !plainCounters.contains(name)) {
      return name + "_total";
    }
    if (s instanceof InfoSnapshot) {
      return name + "_info";
    }
    return name;
  }

  private static void writeFamily(StringBuilder out, String name, MetricSnapshot s) {
    String help = s.getMetadata().getHelp();
    if (help != null) {
      out.append("# HELP ").append(name).append(' ');
      escapeHelp(out, help);
      out.append('\n');
    }
    out.append("# TYPE ").append(name).append(' ').append(typeOf(s)).append('\n');
    if (s instanceof CounterSnapshot c) {
      sorted(c.getDataPoints(), d -> d.getLabels(),
          d -> sample(out, name, d.getLabels(), null, null, GoFloat.format(d.getValue())));
    } else if (s instanceof GaugeSnapshot g) {
      sorted(g.getDataPoints(), d -> d.getLabels(),
          d -> sample(out, name, d.getLabels(), null, null, GoFloat.format(d.getValue())));
    } else if (s instanceof UnknownSnapshot u) {
      sorted(u.getDataPoints(), d -> d.getLabels(),
          d -> sample(out, name, d.getLabels(), null, null, GoFloat.format(d.getValue())));
    } else if (s instanceof InfoSnapshot i) {
      sorted(i.getDataPoints(), d -> d.getLabels(),
          d -> sample(out, name, d.getLabels(), null, null, "1"));
    } else if (s instanceof StateSetSnapshot st) {
      sorted(st.getDataPoints(), d -> d.getLabels(), d -> {
        for (int k = 0; k < d.size(); k++) {
          sample(out, name, d.getLabels(), name, d.getName(k), d.isTrue(k) ? "1" : "0");
        }
      });
    } else if (s instanceof HistogramSnapshot h) {
      sorted(h.getDataPoints(), d -> d.getLabels(), d -> {
        ClassicHistogramBuckets buckets = d.getClassicBuckets();
        Integer[] order = new Integer[buckets.size()];
        for (int k = 0; k < order.length; k++) {
          order[k] = k;
        }
        java.util.Arrays.sort(order, Comparator.comparingDouble(buckets::getUpperBound));
        long cumulative = 0;
        for (int k : order) {
          cumulative += buckets.getCount(k);
          sample(out, name + "_bucket", d.getLabels(), "le",
              GoFloat.format(buckets.getUpperBound(k)), Long.toString(cumulative));
        }
        sample(out, name + "_sum", d.getLabels(), null, null,
            GoFloat.format(d.hasSum() ? d.getSum() : 0));
        sample(out, name + "_count", d.getLabels(), null, null,
            Long.toString(d.hasCount() ? d.getCount() : cumulative));
      });
    } else if (s instanceof SummarySnapshot sum) {
      sorted(sum.getDataPoints(), d -> d.getLabels(), d -> {
        for (Quantile q : d.getQuantiles()) {
          sample(out, name, d.getLabels(), "quantile", GoFloat.format(q.getQuantile()),
              GoFloat.format(q.getValue()));
        }
        sample(out, name + "_sum", d.getLabels(), null, null,
            GoFloat.format(d.hasSum() ? d.getSum() : 0));
        sample(out, name + "_count", d.getLabels(), null, null,
            Long.toString(d.hasCount() ? d.getCount() : 0));
      });
    }
  }

  private static String typeOf(MetricSnapshot s) {
    if (s instanceof CounterSnapshot) {
      return "counter";
    }
    if (s instanceof HistogramSnapshot h) {
      return h.isGaugeHistogram() ? "gaugehistogram" : "histogram";
    }
    if (s instanceof SummarySnapshot) {
      return "summary";
    }
    if (s instanceof UnknownSnapshot) {
      return "untyped";
    }
    return "gauge";
  }

  /** Go's registry sorts a family's series by their label values, label by label. */
  private static <T> void sorted(
      List<T> points, java.util.function.Function<T, Labels> labels, Consumer<T> write) {
    List<T> copy = new ArrayList<>(points);
    copy.sort((a, b) -> compare(labels.apply(a), labels.apply(b)));
    copy.forEach(write);
  }

  private static int compare(Labels a, Labels b) {
    int n = Math.min(a.size(), b.size());
    for (int i = 0; i < n; i++) {
      int c = a.getPrometheusName(i).compareTo(b.getPrometheusName(i));
      if (c != 0) {
        return c;
      }
      c = a.getValue(i).compareTo(b.getValue(i));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.size(), b.size());
  }

  private static void sample(
      StringBuilder out, String name, Labels labels, String extraName, String extraValue,
      String value) {
    out.append(name);
    if (!labels.isEmpty() || extraName != null) {
      out.append('{');
      boolean first = true;
      for (Label l : labels) {
        if (!first) {
          out.append(',');
        }
        first = false;
        out.append(PrometheusNaming.prometheusName(l.getName())).append("=\"");
        escapeLabel(out, l.getValue());
        out.append('"');
      }
      if (extraName != null) {
        if (!first) {
          out.append(',');
        }
        out.append(extraName).append("=\"");
        escapeLabel(out, extraValue);
        out.append('"');
      }
      out.append('}');
    }
    out.append(' ').append(value).append('\n');
  }

  private static void escapeHelp(StringBuilder out, String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        default -> out.append(c);
      }
    }
  }

  private static void escapeLabel(StringBuilder out, String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '"' -> out.append("\\\"");
        default -> out.append(c);
      }
    }
  }
}
