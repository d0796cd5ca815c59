package io.cairn.console.core.metrics;

import java.time.Instant;

/** One point of a time series derived from scrapes. */
public record SeriesPoint(Instant time, double value) {}
