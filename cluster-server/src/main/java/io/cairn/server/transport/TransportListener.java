package io.cairn.server.transport;

/** What the transport reports, for metrics and for Raft's unreachable reports. */
public interface TransportListener {
  default void connected(long peer) {}

  default void disconnected(long peer) {}

  default void sent(long peer, long bytes) {}

  default void received(long peer, long bytes) {}

  default void sendFailed(long peer) {}

  default void roundTrip(long peer, long nanos) {}

  TransportListener NONE = new TransportListener() {};
}
