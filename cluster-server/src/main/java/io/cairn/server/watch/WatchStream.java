package io.cairn.server.watch;

import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongFunction;

/**
 * One client's watch stream: its watchers and its outbox. Producers (the hub, on the apply
 * thread or the catch-up thread) only enqueue; a sender drains the outbox as fast as gRPC's flow
 * control allows. A full outbox never blocks a producer: the hub then lets the watcher fall
 * behind and catch up from the store later.
 */
public final class WatchStream {
  static final int OUTBOX_LIMIT = 1024;
  /** proto field number of {@code WatchResponse.fragment}, absent from the generated class. */
  private static final int FRAGMENT_FIELD = 7;

  private final ServerCallStreamObserver<WatchResponse> out;
  private final Executor sender;
  private final LongFunction<ResponseHeader> header;
  private final long maxResponseBytes;
  private final Queue<WatchResponse> outbox = new ConcurrentLinkedQueue<>();
  private final AtomicInteger size = new AtomicInteger();
  private final AtomicBoolean draining = new AtomicBoolean();
  final Map<Long, Watcher> watchers = new ConcurrentHashMap<>();
  private volatile boolean closed;
  private long nextId;

  WatchStream(
      ServerCallStreamObserver<WatchResponse> out,
      Executor sender,
      LongFunction<ResponseHeader> header,
      long maxResponseBytes) {
    this.out = out;
    this.sender = sender;
    this.header = header;
    this.maxResponseBytes = maxResponseBytes;
    out.setOnReadyHandler(this::scheduleDrain);
  }

  /** Picks the ID for a new watcher: the client's choice when given, else the next free one. */
  synchronized long allocateId(long requested) {
    if (requested > 0) {
      return watchers.containsKey(requested) ? -1 : requested;
    }
    while (watchers.containsKey(nextId)) {
      nextId++;
    }
    return nextId++;
  }

  boolean hasRoomForCatchUp() {
    return !closed && size.get() < OUTBOX_LIMIT / 2;
  }

  /** Queues the events of one revision range for {@code w}; false when the outbox is full. */
  boolean offerEvents(Watcher w, List<Event> events, long revision, boolean force) {
    if (closed) {
      return true;
    }
    if (!force && size.get() >= OUTBOX_LIMIT) {
      return false;
    }
    WatchResponse whole =
        WatchResponse.newBuilder()
            .setHeader(header.apply(revision))
            .setWatchId(w.id)
            .addAllEvents(events)
            .build();
    if (!w.fragment || whole.getSerializedSize() <= maxResponseBytes || events.size() < 2) {
      enqueue(whole);
      return true;
    }
    // Split into pieces under the limit; all but the last are marked as fragments.
    WatchResponse.Builder piece = null;
    for (Event e : events) {
      if (piece != null
          && piece.build().getSerializedSize() + e.getSerializedSize() > maxResponseBytes) {
        enqueue(markFragment(piece).build());
        piece = null;
      }
      if (piece == null) {
        piece = WatchResponse.newBuilder().setHeader(header.apply(revision)).setWatchId(w.id);
      }
      piece.addEvents(e);
    }
    enqueue(piece.build());
    return true;
  }

  private static WatchResponse.Builder markFragment(WatchResponse.Builder b) {
    return b.setUnknownFields(
        com.google.protobuf.UnknownFieldSet.newBuilder()
            .addField(FRAGMENT_FIELD,
                com.google.protobuf.UnknownFieldSet.Field.newBuilder().addVarint(1).build())
            .build());
  }

  void sendCreated(long watchId, long revision) {
    enqueue(WatchResponse.newBuilder()
        .setHeader(header.apply(revision)).setWatchId(watchId).setCreated(true).build());
  }

  void sendCanceled(long watchId, long revision, long compactRevision, String reason) {
    WatchResponse.Builder b =
        WatchResponse.newBuilder().setHeader(header.apply(revision)).setWatchId(watchId)
            .setCanceled(true);
    if (compactRevision > 0) {
      b.setCompactRevision(compactRevision);
    }
    if (reason != null) {
      b.setCancelReason(reason);
    }
    enqueue(b.build());
  }

  void sendProgress(long watchId, long revision) {
    enqueue(WatchResponse.newBuilder().setHeader(header.apply(revision)).setWatchId(watchId)
        .build());
  }

  private void enqueue(WatchResponse r) {
    outbox.add(r);
    size.incrementAndGet();
    scheduleDrain();
  }

  private void scheduleDrain() {
    if (!closed && !outbox.isEmpty() && draining.compareAndSet(false, true)) {
      sender.execute(this::drain);
    }
  }

  private void drain() {
    try {
      while (!closed && out.isReady()) {
        WatchResponse r = outbox.poll();
        if (r == null) {
          break;
        }
        size.decrementAndGet();
        synchronized (out) {
          out.onNext(r);
        }
      }
    } catch (RuntimeException e) {
      // The call was cancelled under us; the hub drops this stream when it hears of it.
      closed = true;
    } finally {
      draining.set(false);
    }
    if (!closed && out.isReady() && !outbox.isEmpty()) {
      scheduleDrain();
    }
  }

  private final AtomicBoolean released = new AtomicBoolean();

  /** True exactly once: for whoever releases the stream's watchers. */
  boolean release() {
    return released.compareAndSet(false, true);
  }

  boolean isClosed() {
    return closed;
  }

  void close() {
    closed = true;
    outbox.clear();
  }

  /** Ends the response stream (the client half-closed); never concurrently with a send. */
  void complete() {
    close();
    synchronized (out) {
      try {
        out.onCompleted();
      } catch (RuntimeException e) {
        // already cancelled
      }
    }
  }
}
