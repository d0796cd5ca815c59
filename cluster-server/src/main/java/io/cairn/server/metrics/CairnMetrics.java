package io.cairn.server.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import java.time.Duration;

/** Cairn's own metrics ({@code cairn_*}), beside etcd's. */
public final class CairnMetrics {
  /** 0.1 ms doubling up to about 13 s. */
  static final double[] REQUEST_BUCKETS = Families.exponential(0.0001, 2, 18);

  private final Counter authFailures;
  private final Histogram requestDuration;

  CairnMetrics(Families f) {
    authFailures = f.counter("cairn_auth_failures_total",
        "The total number of failed authentications (bad password or token).");
    requestDuration = f.histogram("cairn_request_duration_seconds",
        "The latency distributions of client requests, by gRPC method.", REQUEST_BUCKETS,
        "method");
  }

  public void authFailure() {
    authFailures.inc();
  }

  /** One client request to {@code method} (e.g. {@code etcdserverpb.KV/Range}) completed. */
  public void request(String method, Duration d) {
    requestDuration.labelValues(method).observe(Seconds.of(d));
  }

  void request(String method, long nanos) {
    requestDuration.labelValues(method).observe(nanos / 1e9);
  }
}
