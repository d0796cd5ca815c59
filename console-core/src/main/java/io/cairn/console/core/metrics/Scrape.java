package io.cairn.console.core.metrics;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;

/** Everything one member exported at one point in time. */
public record Scrape(Instant time, String member, List<Sample> samples) {
  public Scrape {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(member, "member");
    samples = List.copyOf(samples);
  }

  /** The sum of {@code name} over all its label sets; empty when the member does not export it. */
  public OptionalDouble value(String name) {
    return value(name, Map.of());
  }

  /**
   * The sum of {@code name} over the samples whose labels include {@code labelFilter}; empty when
   * no sample matches.
   */
  public OptionalDouble value(String name, Map<String, String> labelFilter) {
    double sum = 0;
    boolean found = false;
    for (Sample s : samples) {
      if (s.name().equals(name) && s.matches(labelFilter)) {
        sum += s.value();
        found = true;
      }
    }
    return found ? OptionalDouble.of(sum) : OptionalDouble.empty();
  }

  /** Whether any sample is called {@code name}. */
  public boolean has(String name) {
    for (Sample s : samples) {
      if (s.name().equals(name)) {
        return true;
      }
    }
    return false;
  }
}
