package io.cairn.console.core.metrics;

/**
 * One bucket of a Prometheus histogram: how many observations were at most {@code upperBound}
 * (cumulative, like the {@code le} label says).
 */
public record Bucket(double upperBound, double count) {}
