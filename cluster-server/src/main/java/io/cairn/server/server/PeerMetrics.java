package io.cairn.server.server;

import io.cairn.server.metrics.EtcdMetrics;
import io.cairn.server.transport.TransportListener;
import java.time.Duration;
import java.util.function.LongConsumer;

/**
 * Turns what the peer transport reports into etcd's network metrics (labelled by the peer's ID
 * in hex, as etcd labels them), and tells Raft about peers it could not reach.
 */
final class PeerMetrics implements TransportListener {
  private final EtcdMetrics metrics;
  private final String local;
  private final LongConsumer unreachable;

  PeerMetrics(EtcdMetrics metrics, long localId, LongConsumer unreachable) {
    this.metrics = metrics;
    this.local = MemberIds.hex(localId);
    this.unreachable = unreachable;
  }

  @Override
  public void connected(long peer) {
    metrics.network().peerConnected(local, MemberIds.hex(peer));
  }

  @Override
  public void disconnected(long peer) {
    metrics.network().peerDisconnected(local, MemberIds.hex(peer));
  }

  @Override
  public void sent(long peer, long bytes) {
    metrics.network().peerSent(MemberIds.hex(peer), bytes);
  }

  @Override
  public void received(long peer, long bytes) {
    metrics.network().peerReceived(MemberIds.hex(peer), bytes);
  }

  @Override
  public void sendFailed(long peer) {
    metrics.network().peerSendFailed(MemberIds.hex(peer));
    unreachable.accept(peer);
  }

  @Override
  public void roundTrip(long peer, long nanos) {
    metrics.network().peerRoundTrip(MemberIds.hex(peer), Duration.ofNanos(nanos));
  }
}
