package io.cairn.server.concurrency;

import com.google.protobuf.ByteString;
import io.cairn.server.mvcc.History;
import io.cairn.server.mvcc.KeyRange;
import io.cairn.server.mvcc.MvccException;
import io.cairn.server.mvcc.MvccStore;
import io.cairn.server.mvcc.RangeResult;
import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.KeyValue;

/**
 * One {@code Observe} stream, following etcd's recipe: send the current leader; then every put
 * to the leader's key, each at its own revision; when the leader's key is deleted, look for the
 * next leader. With no leader, the first put under the prefix names the next one. Changes are
 * read from the store's history, so no put is skipped however close together they come.
 */
final class Observation implements RevisionPoller.Check {
  private static final int HISTORY_BATCH = 1000;

  interface Sink {
    void send(KeyValue leader, long revision);
  }

  private enum State {
    /** Read who leads now. */
    FIND,
    /** Nobody leads: wait for the first put under the prefix. */
    AWAIT_PUT,
    /** Follow the leader's key until it is deleted. */
    FOLLOW
  }

  private final MvccStore store;
  private final KeyRange prefix;
  private final Sink sink;
  private volatile boolean cancelled;
  // Poller thread only.
  private State state = State.FIND;
  private ByteString leaderKey;
  private long from;

  Observation(MvccStore store, ByteString prefix, Sink sink) {
    this.store = store;
    this.prefix = Keys.prefixRange(prefix);
    this.sink = sink;
  }

  void cancel() {
    cancelled = true;
  }

  @Override
  public boolean run(long revision) {
    try {
      while (!cancelled) {
        switch (state) {
          case FIND -> find();
          case AWAIT_PUT, FOLLOW -> {
            if (!follow()) {
              return cancelled;
            }
          }
        }
      }
      return true;
    } catch (MvccException e) {
      // History compacted away under us: start over from the present.
      state = State.FIND;
      return false;
    } catch (RuntimeException e) {
      // The stream is gone (cancelled or failed): stop.
      return true;
    }
  }

  private void find() {
    RangeResult rr = store.range(prefix, 0, 0, false);
    KeyValue first = Keys.firstCreated(rr.kvs());
    if (first == null) {
      state = State.AWAIT_PUT;
      from = rr.revision();
    } else {
      sink.send(first, rr.revision());
      leaderKey = first.getKey();
      from = rr.revision() + 1;
      state = State.FOLLOW;
    }
  }

  /** Reads history up to now; false when caught up and still in the same state. */
  private boolean follow() {
    long to = store.currentRevision();
    if (from > to) {
      return false;
    }
    KeyRange range = state == State.FOLLOW ? Keys.single(leaderKey) : prefix;
    History h = store.history(range, from, to, false, HISTORY_BATCH);
    for (Event e : h.events()) {
      KeyValue kv = e.getKv();
      if (state == State.AWAIT_PUT) {
        if (e.getType() == Event.EventType.PUT) {
          sink.send(kv, kv.getModRevision());
          leaderKey = kv.getKey();
          from = kv.getModRevision() + 1;
          state = State.FOLLOW;
          return true;
        }
      } else if (e.getType() == Event.EventType.DELETE) {
        state = State.FIND;
        return true;
      } else {
        sink.send(kv, kv.getModRevision());
      }
    }
    from = h.lastRevision() + 1;
    return from <= to;
  }
}
