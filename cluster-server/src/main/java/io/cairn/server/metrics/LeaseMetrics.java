package io.cairn.server.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;

/** etcd's {@code etcd_debugging_lease_*} family. */
public final class LeaseMetrics {
  private final Counter granted;
  private final Counter revoked;
  private final Counter renewed;
  private final Histogram ttls;

  LeaseMetrics(Families f) {
    granted = f.counter("etcd_debugging_lease_granted_total",
        "The total number of granted leases.");
    revoked = f.counter("etcd_debugging_lease_revoked_total",
        "The total number of revoked leases.");
    renewed = f.counter("etcd_debugging_lease_renewed_total",
        "The number of renewed leases seen by the leader.");
    ttls = f.histogram("etcd_debugging_lease_ttl_total", "Bucketed histogram of lease TTLs.",
        Families.exponential(1, 2, 24));
  }

  /** A lease was granted with {@code ttlSeconds}. */
  public void leaseGranted(long ttlSeconds) {
    granted.inc();
    ttls.observe(ttlSeconds);
  }

  public void leaseRevoked() {
    revoked.inc();
  }

  /** The leader renewed a lease (keep-alive). */
  public void leaseRenewed() {
    renewed.inc();
  }
}
