package io.cairn.server.cluster;

import io.cairn.server.raft.Message;
import io.cairn.server.transport.PeerTransport;
import java.net.URI;
import java.util.concurrent.CompletableFuture;

/** {@link Peers} over the netty {@link PeerTransport}. */
public final class TransportPeers implements Peers {
  private final PeerTransport transport;

  public TransportPeers(PeerTransport transport) {
    this.transport = transport;
  }

  @Override
  public void send(Message m) {
    transport.send(m);
  }

  @Override
  public void sendAll(java.util.List<Message> messages) {
    transport.sendAll(messages);
  }

  @Override
  public CompletableFuture<byte[]> call(long peer, String method, byte[] request, long timeout) {
    return transport.call(peer, method, request, timeout);
  }

  @Override
  public void sendSnapshot(Message m, java.nio.file.Path image, long timeoutMillis)
      throws Exception {
    transport.sendSnapshot(m, image, timeoutMillis);
  }

  @Override
  public void add(long peer, URI url) {
    transport.addPeer(peer, url);
  }

  @Override
  public void remove(long peer) {
    transport.removePeer(peer);
  }

  @Override
  public long activeSince(long peer) {
    return transport.activeSince(peer);
  }

  @Override
  public boolean isActive(long peer) {
    return transport.isConnected(peer);
  }

  @Override
  public void close() {
    transport.close();
  }
}
