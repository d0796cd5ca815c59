package io.cairn.server.server;

import io.cairn.server.apply.Command;
import io.cairn.server.errors.EtcdError;
import io.cairn.server.errors.EtcdException;
import io.cairn.server.metrics.EtcdMetrics;
import io.cairn.server.mvcc.MvccStore;
import io.cairn.server.mvcc.WriteBatch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write path of a single-member cluster: proposals are taken in order, given consecutive
 * log indexes, applied, and made durable together in one LMDB transaction (group commit: one
 * fsync for every proposal that queued up while the previous batch was on its way to disk). Only
 * then do their clients hear the answer.
 *
 * <p>One thread owns the store's write side. A storage failure stops the member (fail-stop):
 * after a failed commit the in-memory state can no longer be trusted.
 */
final class ApplyLoop implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ApplyLoop.class);
  private static final int QUEUE_LIMIT = 5_000;
  private static final int BATCH_LIMIT = 512;
  private static final long BATCH_BYTES = 8L << 20;
  /** etcd counts an apply slower than 100 ms as slow. */
  private static final long SLOW_APPLY_NANOS = 100_000_000L;

  private final MvccStore store;
  private final StateMachine stateMachine;
  private final Executor responder;
  private final Runnable onFatal;
  private final BatchListener listener;
  private final EtcdMetrics metrics;
  private final BlockingQueue<Proposal> queue = new ArrayBlockingQueue<>(QUEUE_LIMIT);
  /** Work that needs the store to itself (defragmentation), run between batches. */
  private final java.util.Queue<Runnable> exclusive =
      new java.util.concurrent.ConcurrentLinkedQueue<>();
  private final Thread thread;
  private volatile boolean running = true;
  private long appliedIndex;

  ApplyLoop(
      MvccStore store,
      StateMachine stateMachine,
      long appliedIndex,
      Executor responder,
      BatchListener listener,
      EtcdMetrics metrics,
      Runnable onFatal) {
    this.listener = listener;
    this.metrics = metrics;
    metrics.server().proposalsPending().bindLong(queue::size);
    this.store = store;
    this.stateMachine = stateMachine;
    this.appliedIndex = appliedIndex;
    this.responder = responder;
    this.onFatal = onFatal;
    this.thread = new Thread(this::run, "apply");
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  boolean isRunning() {
    return running && thread.isAlive();
  }

  long appliedIndex() {
    return appliedIndex;
  }

  /** Told about every committed batch, on the apply thread, before its clients are answered. */
  interface BatchListener {
    void committed(java.util.List<io.etcd.jetcd.api.Event> events, long revision);
  }

  /** Runs {@code work} on the apply thread between two batches: no write runs meanwhile. */
  <T> CompletableFuture<T> runExclusive(java.util.concurrent.Callable<T> work) {
    CompletableFuture<T> f = new CompletableFuture<>();
    exclusive.add(
        () -> {
          try {
            T v = work.call();
            responder.execute(() -> f.complete(v));
          } catch (Exception e) {
            responder.execute(() -> f.completeExceptionally(e));
          }
        });
    return f;
  }

  /** Queues {@code cmd}; the future completes once it is durable and applied. */
  CompletableFuture<Object> propose(Command cmd) {
    CompletableFuture<Object> f = new CompletableFuture<>();
    if (!running) {
      f.completeExceptionally(EtcdError.STOPPED.exception());
    } else if (!queue.offer(new Proposal(cmd, f))) {
      metrics.server().proposalFailed();
      f.completeExceptionally(EtcdError.TOO_MANY_REQUESTS.exception());
    }
    return f;
  }

  private void run() {
    List<Proposal> batch = new ArrayList<>();
    List<Object> results = new ArrayList<>();
    while (running || !queue.isEmpty()) {
      try {
        Runnable task;
        while ((task = exclusive.poll()) != null) {
          task.run();
        }
        Proposal first = queue.poll(20, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        long bytes = first.command().size();
        while (batch.size() < BATCH_LIMIT && bytes < BATCH_BYTES) {
          Proposal next = queue.poll();
          if (next == null) {
            break;
          }
          batch.add(next);
          bytes += next.command().size();
        }
        applyBatch(batch, results);
        for (int i = 0; i < batch.size(); i++) {
          complete(batch.get(i).result(), results.get(i));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (Throwable t) {
        log.error("apply failed; stopping the member", t);
        running = false;
        for (Proposal p : batch) {
          p.result().completeExceptionally(EtcdError.STOPPED.exception());
        }
        failQueued();
        onFatal.run();
        return;
      } finally {
        batch.clear();
        results.clear();
      }
    }
    failQueued();
  }

  private void applyBatch(List<Proposal> batch, List<Object> results) throws Exception {
    try (WriteBatch wb = store.beginBatch()) {
      for (Proposal p : batch) {
        appliedIndex++;
        results.add(applyOne(wb, p.command()));
      }
      wb.setConsistentIndex(appliedIndex);
      long t0 = System.nanoTime();
      wb.commit();
      // The LMDB commit is both the log's fsync and the backend's commit.
      Duration commit = Duration.ofNanos(System.nanoTime() - t0);
      metrics.disk().walFsync(commit);
      metrics.disk().backendCommit(commit);
      metrics.server().proposalsCommitted(appliedIndex);
      metrics.server().proposalsApplied(appliedIndex);
      listener.committed(wb.events(), store.currentRevision());
    }
  }

  private Object applyOne(WriteBatch wb, Command cmd) throws Exception {
    long t0 = System.nanoTime();
    try {
      return stateMachine.apply(wb, cmd);
    } catch (EtcdException e) {
      metrics.server().proposalFailed();
      return e;
    } finally {
      if (System.nanoTime() - t0 > SLOW_APPLY_NANOS) {
        metrics.server().slowApply();
      }
    }
  }

  private void complete(CompletableFuture<Object> f, Object result) {
    if (result instanceof CompletableFuture<?> later) {
      later.whenCompleteAsync(
          (v, e) -> {
            if (e != null) {
              f.completeExceptionally(e);
            } else {
              f.complete(v);
            }
          },
          responder);
    } else if (result instanceof Throwable t) {
      responder.execute(() -> f.completeExceptionally(t));
    } else {
      responder.execute(() -> f.complete(result));
    }
  }

  private void failQueued() {
    Proposal p;
    while ((p = queue.poll()) != null) {
      p.result().completeExceptionally(EtcdError.STOPPED.exception());
    }
  }

  @Override
  public void close() {
    running = false;
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
