package io.cairn.server.watch;

import io.cairn.server.util.DaemonThreads;
import io.cairn.server.mvcc.KeyRange;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.LongFunction;

/**
 * Turns a client's stream of {@code WatchRequest}s into watchers on the hub: create, cancel and
 * progress requests, with etcd's responses.
 */
public final class WatchSessions implements AutoCloseable {
  /** etcd's text when a client picks a watch ID already in use on its stream. */
  static final String DUPLICATE_ID = "mvcc: duplicate watch ID provided on the WatchStream";
  // Fields of etcd 3.5's WatchCreateRequest that the generated class lacks.
  private static final int WATCH_ID_FIELD = 7;
  private static final int FRAGMENT_FIELD = 8;

  private final WatchHub hub;
  private final LongFunction<ResponseHeader> header;
  private final long maxResponseBytes;
  private final ExecutorService sender =
      Executors.newFixedThreadPool(
          2,
          DaemonThreads.named("watch-sender"));

  /** Auth for watch streams: refuses forbidden watches and hides events a watcher may not read. */
  public interface Guard {
    /** Called on the stream's call context when it opens. */
    Stream open(ServerCallStreamObserver<WatchResponse> out);

    /** One stream's guard. */
    interface Stream {
      /** What the stream writes to: {@code out}, filtering events. */
      ServerCallStreamObserver<WatchResponse> observer();

      /** True when the create is refused; the refusal has then been answered. */
      boolean refuse(WatchCreateRequest create, ResponseHeader header);
    }
  }

  private volatile Guard guard;

  public void setGuard(Guard guard) {
    this.guard = guard;
  }

  public WatchSessions(WatchHub hub, LongFunction<ResponseHeader> header, long maxResponseBytes) {
    this.hub = hub;
    this.header = header;
    this.maxResponseBytes = maxResponseBytes;
  }

  /** Opens a stream for one client; returns the observer its requests go to. */
  public StreamObserver<WatchRequest> open(StreamObserver<WatchResponse> responses) {
    ServerCallStreamObserver<WatchResponse> raw =
        (ServerCallStreamObserver<WatchResponse>) responses;
    Guard.Stream auth = guard == null ? null : guard.open(raw);
    ServerCallStreamObserver<WatchResponse> out = auth == null ? raw : auth.observer();
    WatchStream stream = new WatchStream(out, sender, header, maxResponseBytes);
    hub.streamOpened();
    out.setOnCancelHandler(() -> closeStream(stream));
    return new StreamObserver<>() {
      @Override
      public void onNext(WatchRequest r) {
        switch (r.getRequestUnionCase()) {
          case CREATE_REQUEST -> {
            if (auth == null
                || !auth.refuse(r.getCreateRequest(), header.apply(hub.lastNotified()))) {
              create(stream, r.getCreateRequest());
            }
          }
          case CANCEL_REQUEST -> cancel(stream, r.getCancelRequest().getWatchId());
          case PROGRESS_REQUEST -> progress(stream);
          case REQUESTUNION_NOT_SET -> {}
        }
      }

      @Override
      public void onError(Throwable t) {
        closeStream(stream);
      }

      @Override
      public void onCompleted() {
        closeStream(stream);
        stream.complete();
      }
    };
  }

  private void create(WatchStream stream, WatchCreateRequest c) {
    long requestedId = unknownVarint(c, WATCH_ID_FIELD);
    boolean fragment = unknownVarint(c, FRAGMENT_FIELD) != 0;
    long now = hub.lastNotified();
    long id = stream.allocateId(requestedId);
    if (id < 0) {
      stream.sendCanceled(requestedId, now, 0, DUPLICATE_ID);
      return;
    }
    boolean noPut = false;
    boolean noDelete = false;
    for (WatchCreateRequest.FilterType f : c.getFiltersList()) {
      noPut |= f == WatchCreateRequest.FilterType.NOPUT;
      noDelete |= f == WatchCreateRequest.FilterType.NODELETE;
    }
    // "From now" means after the revision the created response reports, even if a commit lands
    // between this line and the registration below.
    long start = c.getStartRevision() > 0 ? c.getStartRevision() : now + 1;
    Watcher w =
        new Watcher(id, KeyRange.of(c.getKey(), c.getRangeEnd()), start, c.getPrevKv(), noPut,
            noDelete, c.getProgressNotify(), fragment, stream);
    stream.watchers.put(id, w);
    stream.sendCreated(id, now);
    hub.add(w);
  }

  private void cancel(WatchStream stream, long id) {
    Watcher w = stream.watchers.remove(id);
    if (w != null) {
      hub.remove(w);
    }
    stream.sendCanceled(id, hub.lastNotified(), 0, null);
  }

  private void progress(WatchStream stream) {
    for (Watcher w : stream.watchers.values()) {
      // Never past the head: a watcher that starts in the future is waiting at it.
      stream.sendProgress(w.id, Math.min(w.nextRevision - 1, hub.lastNotified()));
    }
  }

  private void closeStream(WatchStream stream) {
    if (!stream.release()) {
      return;
    }
    hub.streamClosed();
    stream.close();
    for (Watcher w : stream.watchers.values()) {
      hub.remove(w);
    }
    stream.watchers.clear();
  }

  private static long unknownVarint(WatchCreateRequest c, int field) {
    var f = c.getUnknownFields().getField(field);
    return f.getVarintList().isEmpty() ? 0 : f.getVarintList().get(f.getVarintList().size() - 1);
  }

  @Override
  public void close() {
    sender.shutdownNow();
  }
}
