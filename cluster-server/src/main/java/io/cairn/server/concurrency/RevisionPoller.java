package io.cairn.server.concurrency;

import io.cairn.server.util.DaemonThreads;
import io.cairn.server.mvcc.MvccStore;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes up waiting lock, campaign and observe requests when the store moves on. One thread looks
 * at the store's revision every few milliseconds and, when it changed, runs every registered check
 * once; a new check runs right after it is registered. All checks run on that one thread, so a
 * check's own state needs no locking.
 *
 * <p>Looking at the revision costs one volatile read, so an idle poller is cheap; a check only
 * reads the store when something was committed since it last ran.
 */
public final class RevisionPoller implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RevisionPoller.class);
  static final long DEFAULT_INTERVAL_MILLIS = 10;

  /** Work to redo whenever the revision changes. */
  interface Check {
    /** Looks at the store as of (at least) {@code revision}; true when the check is finished. */
    boolean run(long revision);
  }

  /** A registered check; cancel it to stop it from running again. */
  static final class Registration {
    private final Check check;
    private volatile boolean cancelled;
    // Poller thread only.
    private long seen = -1;

    private Registration(Check check) {
      this.check = check;
    }

    void cancel() {
      cancelled = true;
    }

    boolean isCancelled() {
      return cancelled;
    }
  }

  private final LongSupplier revision;
  private final Queue<Registration> registrations = new ConcurrentLinkedQueue<>();
  private final ScheduledExecutorService thread =
      Executors.newSingleThreadScheduledExecutor(
          DaemonThreads.named("concurrency-poller"));

  /** A poller over {@code store} that looks every {@value #DEFAULT_INTERVAL_MILLIS} ms. */
  public RevisionPoller(MvccStore store) {
    this(store::currentRevision, DEFAULT_INTERVAL_MILLIS);
  }

  RevisionPoller(LongSupplier revision, long intervalMillis) {
    this.revision = revision;
    thread.scheduleWithFixedDelay(this::tick, intervalMillis, intervalMillis,
        TimeUnit.MILLISECONDS);
  }

  /** Registers {@code check}; it first runs shortly, on the poller's thread. */
  Registration register(Check check) {
    Registration r = new Registration(check);
    registrations.add(r);
    try {
      thread.execute(this::tick);
    } catch (RejectedExecutionException e) {
      // Closed: the member is going away and the call with it.
    }
    return r;
  }

  int size() {
    return registrations.size();
  }

  private void tick() {
    if (registrations.isEmpty()) {
      return;
    }
    long rev = revision.getAsLong();
    for (Registration r : registrations) {
      if (r.cancelled) {
        registrations.remove(r);
        continue;
      }
      if (r.seen == rev) {
        continue;
      }
      r.seen = rev;
      boolean done;
      try {
        done = r.check.run(rev);
      } catch (RuntimeException e) {
        log.warn("concurrency check failed; dropping it", e);
        done = true;
      }
      if (done) {
        r.cancelled = true;
        registrations.remove(r);
      }
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
