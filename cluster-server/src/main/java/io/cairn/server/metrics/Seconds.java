package io.cairn.server.metrics;

import java.time.Duration;

/** Durations as the float seconds (or milliseconds) etcd's histograms observe. */
final class Seconds {
  private Seconds() {}

  static double of(Duration d) {
    return d.getSeconds() + d.getNano() / 1e9;
  }

  static double millis(Duration d) {
    return d.getSeconds() * 1e3 + d.getNano() / 1e6;
  }
}
