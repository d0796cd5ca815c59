package io.cairn.server.concurrency;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Stands in for gRPC's observer of one call: records what the service sends, can cancel. */
final class Recorder<T> extends ServerCallStreamObserver<T> {
  final BlockingQueue<T> values = new LinkedBlockingQueue<>();
  final CompletableFuture<T> result = new CompletableFuture<>();
  private volatile Runnable onCancel;
  private volatile boolean cancelled;

  @Override
  public void onNext(T value) {
    if (cancelled) {
      throw Status.CANCELLED.asRuntimeException();
    }
    values.add(value);
  }

  @Override
  public void onError(Throwable t) {
    result.completeExceptionally(t);
  }

  @Override
  public void onCompleted() {
    result.complete(values.peek());
  }

  /** The client goes away. */
  void cancel() {
    cancelled = true;
    Runnable r = onCancel;
    if (r != null) {
      r.run();
    }
  }

  /** The single answer, within 10 s. */
  T answer() {
    return Member.await(result);
  }

  /** The next streamed value, within 10 s. */
  T next() throws InterruptedException {
    T v = values.poll(10, TimeUnit.SECONDS);
    if (v == null) {
      throw new AssertionError("nothing sent within 10 s");
    }
    return v;
  }

  /** The error the call failed with, within 10 s. */
  StatusRuntimeException error() {
    try {
      result.get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      return (StatusRuntimeException) e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("expected a failure, got " + result.join());
  }

  /** Asserts the call is still waiting after {@code millis}. */
  void stillWaiting(long millis) throws InterruptedException {
    Thread.sleep(millis);
    if (result.isDone()) {
      throw new AssertionError("expected the call to wait, but it ended: " + result);
    }
  }

  @Override
  public boolean isCancelled() {
    return cancelled;
  }

  @Override
  public void setOnCancelHandler(Runnable r) {
    onCancel = r;
  }

  @Override
  public void setCompression(String compression) {}

  @Override
  public boolean isReady() {
    return true;
  }

  @Override
  public void setOnReadyHandler(Runnable r) {}

  @Override
  public void disableAutoInboundFlowControl() {}

  @Override
  public void request(int count) {}

  @Override
  public void setMessageCompression(boolean enable) {}
}
