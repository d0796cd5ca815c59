package io.cairn.server.raft;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Pending ReadIndex requests on the leader (Raft thesis §6.4): each remembers the commit index
 * when it arrived and collects heartbeat acknowledgements carrying its context. Once a majority
 * has acknowledged, the leader was still leader after the request arrived, so that commit index
 * is safe to read at.
 */
final class ReadOnly {
  static final class Pending {
    final long index;
    final Message request;
    final Map<Long, Boolean> acks = new HashMap<>();

    Pending(long index, Message request) {
      this.index = index;
      this.request = request;
    }
  }

  private final Map<ByteBuffer, Pending> pending = new HashMap<>();
  private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();

  void addRequest(long index, Message m) {
    ByteBuffer key = ByteBuffer.wrap(m.context());
    if (pending.containsKey(key)) {
      return;
    }
    pending.put(key, new Pending(index, m));
    queue.addLast(key);
  }

  /** Records an ack; returns the acks so far for that request, or null if it is not pending. */
  Map<Long, Boolean> recvAck(long id, byte[] context) {
    Pending p = pending.get(ByteBuffer.wrap(context));
    if (p == null) {
      return null;
    }
    p.acks.put(id, true);
    return p.acks;
  }

  /**
   * The request with this context is confirmed, and so is every request queued before it (the
   * confirming heartbeat was sent after they arrived).
   */
  List<Pending> advance(byte[] context) {
    ByteBuffer key = ByteBuffer.wrap(context);
    if (!pending.containsKey(key)) {
      return List.of();
    }
    List<Pending> out = new ArrayList<>();
    while (!queue.isEmpty()) {
      ByteBuffer k = queue.removeFirst();
      out.add(pending.remove(k));
      if (k.equals(key)) {
        break;
      }
    }
    return out;
  }

  /** Context to piggyback on heartbeats: the newest request confirms all older ones. */
  byte[] lastPendingContext() {
    ByteBuffer k = queue.peekLast();
    return k == null ? null : k.array();
  }

  int size() {
    return queue.size();
  }
}
