package io.cairn.console.core.history;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Replays one key's events from a past revision with a watch, which (unlike a range) sees deletions.
 * Keeps only the newest {@code budget} events (bounded memory for a key with a long history).
 *
 * <p>The replay is complete once an event at or above {@code lastWanted} has arrived: events come in
 * revision order, so nothing at or below {@code lastWanted} can follow. When the caller knows such
 * an event exists (the creation of the key's current generation) this is exact. When it cannot know
 * (the key is deleted now), a {@code quiet} period without responses ends the replay: neither etcd
 * 3.4 nor the watch API offers a read-only "caught up" signal that both servers honour (etcd 3.4
 * answers a progress request at once, even before the catch-up events).
 */
final class EventReplay {
  record Outcome(List<KeyRevision> oldestFirst, boolean dropped) {}

  private final CompletableFuture<Outcome> result = new CompletableFuture<>();
  private final ArrayDeque<KeyRevision> kept;
  private final int budget;
  private final long lastWanted;
  private final Duration quiet;
  /** Without the end in sight for this long, the replay fails instead of waiting forever. */
  private final Duration stall;
  private boolean dropped;
  private long lastActivityNanos = System.nanoTime();
  private Watch.Watcher watcher;

  private EventReplay(int budget, long lastWanted, Duration quiet, Duration stall) {
    this.kept = new ArrayDeque<>(Math.min(budget, 1024));
    this.budget = budget;
    this.lastWanted = lastWanted;
    this.quiet = quiet;
    this.stall = stall;
  }

  /**
   * Replays the events of {@code key} with revisions in {@code [from, lastWanted]}; {@code quiet}
   * null means an event above {@code lastWanted} is known to exist; then the replay fails after
   * {@code stall} without any response.
   */
  static CompletableFuture<Outcome> replay(Watch watch, ByteSequence key, long from,
      long lastWanted, int budget, Duration quiet, Duration stall) {
    EventReplay r = new EventReplay(budget, lastWanted, quiet, stall);
    io.etcd.jetcd.options.WatchOption option =
        io.etcd.jetcd.options.WatchOption.builder().withRevision(Math.max(1, from)).build();
    Watch.Watcher w = watch.watch(key, option, Watch.listener(r::onNext, r::onError, r::onCompleted));
    synchronized (r) {
      r.watcher = w;
      if (r.result.isDone()) {
        w.close();
      }
    }
    r.scheduleQuietCheck();
    return r.result;
  }

  private synchronized void onNext(WatchResponse response) {
    if (result.isDone()) {
      return;
    }
    lastActivityNanos = System.nanoTime();
    boolean reachedEnd = false;
    for (WatchEvent e : response.getEvents()) {
      long rev = e.getKeyValue().getModRevision();
      if (rev >= lastWanted) {
        reachedEnd = true;
      }
      if (rev > lastWanted) {
        break;
      }
      if (kept.size() == budget) {
        kept.pollFirst();
        dropped = true;
      }
      kept.addLast(e.getEventType() == WatchEvent.EventType.DELETE
          ? KeyRevision.deletion(rev)
          : new KeyRevision(rev, e.getKeyValue().getCreateRevision(), e.getKeyValue().getVersion(),
              e.getKeyValue().getValue(), e.getKeyValue().getLease(), false));
    }
    if (reachedEnd) {
      finish();
    }
  }

  private void onError(Throwable t) {
    synchronized (this) {
      closeWatcher();
    }
    result.completeExceptionally(t);
  }

  private void onCompleted() {
    synchronized (this) {
      closeWatcher();
    }
    result.completeExceptionally(new IllegalStateException("the watch ended before the replay"));
  }

  private Duration period() {
    return quiet != null ? quiet : stall;
  }

  private void scheduleQuietCheck() {
    Executor later = CompletableFuture.delayedExecutor(period().toMillis(), TimeUnit.MILLISECONDS);
    later.execute(this::quietCheck);
  }

  private void quietCheck() {
    synchronized (this) {
      if (result.isDone()) {
        return;
      }
      if (System.nanoTime() - lastActivityNanos >= period().toNanos()) {
        if (quiet != null) {
          finish();
        } else {
          closeWatcher();
          result.completeExceptionally(new TimeoutException("the watch replay stalled: no event up to"
              + " revision " + lastWanted + " within " + stall.toSeconds() + " s"));
        }
        return;
      }
    }
    scheduleQuietCheck();
  }

  private void finish() {
    // Complete first: closing the watcher calls onCompleted, which must find the replay done.
    result.complete(new Outcome(new ArrayList<>(kept), dropped));
    closeWatcher();
  }

  private void closeWatcher() {
    if (watcher != null) {
      watcher.close();
    }
  }
}
