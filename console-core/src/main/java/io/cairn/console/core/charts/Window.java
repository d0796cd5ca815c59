package io.cairn.console.core.charts;

import java.time.Duration;

/** The time windows a console offers for its charts. */
public enum Window {
  M5("5 min", Duration.ofMinutes(5)),
  M15("15 min", Duration.ofMinutes(15)),
  H1("1 hour", Duration.ofHours(1)),
  H6("6 hours", Duration.ofHours(6));

  private final String label;
  private final Duration duration;

  Window(String label, Duration duration) {
    this.label = label;
    this.duration = duration;
  }

  public String label() {
    return label;
  }

  public Duration duration() {
    return duration;
  }
}
