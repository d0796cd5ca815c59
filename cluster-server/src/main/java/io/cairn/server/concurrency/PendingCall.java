package io.cairn.server.concurrency;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A unary call that may wait a long time. It is answered at most once; if the client goes away
 * before the answer, the clean-up set so far (undoing what the call wrote) runs instead, exactly
 * once, and any later answer is dropped.
 */
final class PendingCall<T> {
  private final StreamObserver<T> out;
  private final AtomicBoolean over = new AtomicBoolean();
  // Guarded by this.
  private boolean cancelled;
  private Runnable cleanup;
  private RevisionPoller.Registration waiting;

  /** Must be called while the call is being started (gRPC takes cancel handlers only then). */
  PendingCall(StreamObserver<T> out) {
    this.out = out;
    if (out instanceof ServerCallStreamObserver<T> s) {
      s.setOnCancelHandler(this::cancelled);
    }
  }

  private void cancelled() {
    if (!over.compareAndSet(false, true)) {
      return;
    }
    Runnable c;
    synchronized (this) {
      cancelled = true;
      c = cleanup;
      cleanup = null;
      if (waiting != null) {
        waiting.cancel();
      }
    }
    if (c != null) {
      c.run();
    }
  }

  /** Whether the client went away before an answer. */
  synchronized boolean isCancelled() {
    return cancelled;
  }

  /**
   * What undoing the call takes should the client go away: replaces any earlier clean-up; runs at
   * once if the client is already gone.
   */
  void cleanupOnCancel(Runnable c) {
    synchronized (this) {
      if (!cancelled) {
        cleanup = c;
        return;
      }
    }
    c.run();
  }

  /** Records the wait in progress so that a cancel stops it; stops it now if already cancelled. */
  void waitingOn(RevisionPoller.Registration r) {
    synchronized (this) {
      if (!cancelled) {
        waiting = r;
        return;
      }
    }
    r.cancel();
  }

  /** Answers; false (and nothing sent) when the call was already over. */
  boolean reply(T value) {
    if (!over.compareAndSet(false, true)) {
      return false;
    }
    try {
      out.onNext(value);
      out.onCompleted();
    } catch (RuntimeException e) {
      // The client went away in the same instant.
    }
    return true;
  }

  /** Fails the call with {@code t} as etcd's concurrency servers send it; false when it was already over. */
  boolean fail(Throwable t) {
    if (!over.compareAndSet(false, true)) {
      return false;
    }
    try {
      out.onError(Ops.toClient(t));
    } catch (RuntimeException e) {
      // The client went away in the same instant.
    }
    return true;
  }
}
