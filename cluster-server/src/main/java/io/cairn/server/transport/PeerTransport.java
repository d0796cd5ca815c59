package io.cairn.server.transport;

import io.cairn.server.api.http.HttpListeners;
import io.cairn.server.raft.Message;
import io.cairn.server.raft.MessageCodec;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.ssl.SslContext;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Sends Raft messages to peers over persistent connections (one per peer, reconnecting on its
 * own). Thread-safe: the driver sends from its loop, membership changes add and remove peers.
 * Receiving is {@link PeerServer}'s job.
 */
public final class PeerTransport implements AutoCloseable {
  private final long localId;
  private final long clusterId;
  private final SslContext tls;
  private final TransportListener listener;
  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final Map<Long, PeerConnection> peers = new ConcurrentHashMap<>();

  /** @param tls the client TLS context for {@code https} peer URLs, or null for plaintext */
  public PeerTransport(long localId, long clusterId, SslContext tls, TransportListener listener) {
    this.localId = localId;
    this.clusterId = clusterId;
    this.tls = tls;
    this.listener = listener;
  }

  /** Starts talking to {@code peer} at its first peer URL (replacing an earlier address). */
  public void addPeer(long peer, URI url) {
    PeerConnection c =
        new PeerConnection(localId, clusterId, peer, HttpListeners.address(url), group,
            "https".equals(url.getScheme()) ? tls : null, listener);
    PeerConnection old = peers.put(peer, c);
    if (old != null) {
      old.close();
    }
    c.start();
  }

  public void removePeer(long peer) {
    PeerConnection c = peers.remove(peer);
    if (c != null) {
      c.close();
    }
  }

  /** nanoTime since when the connection to {@code peer} has been up; 0 when down or unknown. */
  public long activeSince(long peer) {
    PeerConnection c = peers.get(peer);
    return c == null ? 0 : c.activeSince();
  }

  public boolean isConnected(long peer) {
    PeerConnection c = peers.get(peer);
    return c != null && c.isConnected();
  }

  /** Sends {@code m} to {@code m.to()}; false when it was dropped (unknown or unreachable peer). */
  public boolean send(Message m) {
    PeerConnection c = peers.get(m.to());
    if (c == null) {
      listener.sendFailed(m.to());
      return false;
    }
    return c.send(Frames.MESSAGE, MessageCodec.encode(m));
  }

  /**
   * Sends a batch of messages with one flush per peer (one system call for all the messages a
   * Ready has for that peer, instead of one each).
   */
  public void sendAll(java.util.List<Message> messages) {
    java.util.Set<PeerConnection> touched = new java.util.HashSet<>();
    for (Message m : messages) {
      PeerConnection c = peers.get(m.to());
      if (c == null) {
        listener.sendFailed(m.to());
        continue;
      }
      if (c.send(Frames.MESSAGE, MessageCodec.encode(m), false)) {
        touched.add(c);
      }
    }
    touched.forEach(PeerConnection::flush);
  }

  /** Calls {@code method} on {@code peer}'s member (see {@link Frames#CALL}). */
  public java.util.concurrent.CompletableFuture<byte[]> call(
      long peer, String method, byte[] request, long timeoutMillis) {
    PeerConnection c = peers.get(peer);
    if (c == null) {
      return java.util.concurrent.CompletableFuture.failedFuture(
          new java.io.IOException("unknown peer " + Long.toHexString(peer)));
    }
    return c.call(method, request, timeoutMillis);
  }

  /** Streams a snapshot image and its message to {@code m.to()} (blocking; see PeerConnection). */
  public void sendSnapshot(Message m, java.nio.file.Path image, long timeoutMillis)
      throws Exception {
    PeerConnection c = peers.get(m.to());
    if (c == null) {
      throw new java.io.IOException("unknown peer " + Long.toHexString(m.to()));
    }
    c.streamSnapshot(MessageCodec.encode(m), image, timeoutMillis);
  }

  @Override
  public void close() {
    peers.values().forEach(PeerConnection::close);
    peers.clear();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
  }
}
