package io.cairn.server.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import java.time.Duration;

/**
 * etcd's {@code etcd_network_*} family: peer traffic (labels {@code To}/{@code From} hold the
 * peer's member ID in hex, as etcd's do) and client gRPC byte counts.
 */
public final class NetworkMetrics {
  private final Histogram peerRoundTrip;
  private final Counter peerSentBytes;
  private final Counter peerReceivedBytes;
  private final Counter peerSentFailures;
  private final Counter peerReceivedFailures;
  private final Gauge activePeers;
  private final Counter disconnectedPeers;
  private final Counter clientSentBytes;
  private final Counter clientReceivedBytes;

  NetworkMetrics(Families f) {
    peerRoundTrip = f.histogram("etcd_network_peer_round_trip_time_seconds",
        "Round-Trip-Time histogram between peers", Families.exponential(0.0001, 2, 16), "To");
    peerSentBytes = f.counter("etcd_network_peer_sent_bytes_total",
        "The total number of bytes sent to peers.", "To");
    peerReceivedBytes = f.counter("etcd_network_peer_received_bytes_total",
        "The total number of bytes received from peers.", "From");
    peerSentFailures = f.counter("etcd_network_peer_sent_failures_total",
        "The total number of send failures from peers.", "To");
    peerReceivedFailures = f.counter("etcd_network_peer_received_failures_total",
        "The total number of receive failures from peers.", "From");
    activePeers = f.gauge("etcd_network_active_peers",
        "The current number of active peer connections.", "Local", "Remote");
    disconnectedPeers = f.counter("etcd_network_disconnected_peers_total",
        "The total number of disconnected peers.", "Local", "Remote");
    clientSentBytes = f.counter("etcd_network_client_grpc_sent_bytes_total",
        "The total number of bytes sent to grpc clients.");
    clientReceivedBytes = f.counter("etcd_network_client_grpc_received_bytes_total",
        "The total number of bytes received from grpc clients.");
  }

  /** A round trip to peer {@code to} (hex member ID), measured by the prober. */
  public void peerRoundTrip(String to, Duration d) {
    peerRoundTrip.labelValues(to).observe(Seconds.of(d));
  }

  public void peerSent(String to, long bytes) {
    peerSentBytes.labelValues(to).inc(bytes);
  }

  public void peerReceived(String from, long bytes) {
    peerReceivedBytes.labelValues(from).inc(bytes);
  }

  public void peerSendFailed(String to) {
    peerSentFailures.labelValues(to).inc();
  }

  public void peerReceiveFailed(String from) {
    peerReceivedFailures.labelValues(from).inc();
  }

  /** The stream to {@code remote} became active. Both IDs in hex. */
  public void peerConnected(String local, String remote) {
    activePeers.labelValues(local, remote).inc();
  }

  public void peerDisconnected(String local, String remote) {
    activePeers.labelValues(local, remote).dec();
    disconnectedPeers.labelValues(local, remote).inc();
  }

  public void clientSent(long bytes) {
    clientSentBytes.inc(bytes);
  }

  public void clientReceived(long bytes) {
    clientReceivedBytes.inc(bytes);
  }
}
