package io.cairn.server.cluster;

import io.cairn.server.raft.Message;
import java.net.URI;
import java.util.concurrent.CompletableFuture;

/**
 * How a member reaches the others: Raft messages one way, calls that expect an answer (forwarded
 * proposals, lease renewals), and the set of peers to keep connections to. The netty transport
 * implements it for real members; tests may wire members together in memory.
 */
public interface Peers extends AutoCloseable {
  /** Sends a message to {@code m.to()}; delivery is best effort (Raft retransmits). */
  void send(Message m);

  /** Sends several messages, possibly to different peers, flushing once per peer. */
  default void sendAll(java.util.List<Message> messages) {
    messages.forEach(this::send);
  }

  /** Calls {@code method} on {@code peer}'s member. */
  CompletableFuture<byte[]> call(long peer, String method, byte[] request, long timeoutMillis);

  /**
   * Streams a snapshot image (a file) and then the snapshot message to {@code m.to()}; blocks
   * until the peer has stored it.
   */
  void sendSnapshot(Message m, java.nio.file.Path image, long timeoutMillis) throws Exception;

  /** Starts (or re-points) the connection to a peer. */
  void add(long peer, URI url);

  void remove(long peer);

  /** nanoTime since when the connection to the peer has been up; 0 when it is down. */
  long activeSince(long peer);

  /** Whether a connection to the peer is up right now. */
  boolean isActive(long peer);

  @Override
  void close();
}
