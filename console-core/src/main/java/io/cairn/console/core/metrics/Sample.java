package io.cairn.console.core.metrics;

import java.util.Map;
import java.util.Objects;

/**
 * One line of a Prometheus exposition: a metric name, its labels and the value.
 *
 * <p>Labels are an immutable copy; copying an already immutable map returns it as is, so samples of
 * successive scrapes can share one map per label set.
 */
public record Sample(String name, Map<String, String> labels, double value) {
  public Sample {
    Objects.requireNonNull(name, "name");
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }

  public Sample(String name, double value) {
    this(name, Map.of(), value);
  }

  /** The value of one label, or null. */
  public String label(String labelName) {
    return labels.get(labelName);
  }

  /** Whether every entry of {@code filter} is among this sample's labels. */
  public boolean matches(Map<String, String> filter) {
    for (Map.Entry<String, String> e : filter.entrySet()) {
      if (!e.getValue().equals(labels.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }
}
