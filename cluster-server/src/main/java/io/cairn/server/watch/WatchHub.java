package io.cairn.server.watch;

import io.cairn.server.util.DaemonThreads;
import com.google.protobuf.ByteString;
import io.cairn.server.mvcc.History;
import io.cairn.server.mvcc.MvccException;
import io.cairn.server.mvcc.MvccStore;
import io.etcd.jetcd.api.Event;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes committed changes to watchers. A watcher is either <em>synced</em> (it has everything up
 * to the last notified revision; new changes are pushed to it as they commit) or
 * <em>unsynced</em> (it is behind: it started in the past or its stream could not keep up; a
 * catch-up thread reads its missing history from the store). Every watcher sees each revision at
 * most once, in order, with no gaps: the switch from unsynced to synced happens under the same
 * lock as notification, and only when the catch-up has reached the last notified revision.
 */
public final class WatchHub implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WatchHub.class);
  private static final int CATCH_UP_EVENTS = 1000;
  /** etcd's {@code watchBatchMaxRevs}: revisions per catch-up response. */
  private static final int BATCH_REVISIONS = 1000;

  private final MvccStore store;
  private final Object lock = new Object();
  // Guarded by lock: synced watchers, indexed by exact key for single-key watches.
  private final Map<ByteString, Set<Watcher>> syncedByKey = new HashMap<>();
  private final Set<Watcher> syncedRanges = new HashSet<>();
  private long lastNotified;
  private final java.util.concurrent.atomic.AtomicInteger streams =
      new java.util.concurrent.atomic.AtomicInteger();
  private final Set<Watcher> unsynced = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService catchUp =
      Executors.newSingleThreadScheduledExecutor(
          DaemonThreads.named("watch-catch-up"));

  public WatchHub(MvccStore store, long progressIntervalMillis) {
    this.store = store;
    this.lastNotified = store.currentRevision();
    catchUp.scheduleWithFixedDelay(this::catchUpAll, 10, 10, TimeUnit.MILLISECONDS);
    if (progressIntervalMillis > 0) {
      catchUp.scheduleWithFixedDelay(
          this::notifyProgress, progressIntervalMillis, progressIntervalMillis,
          TimeUnit.MILLISECONDS);
    }
  }

  /** The revision up to which synced watchers have been told everything. */
  public long lastNotified() {
    synchronized (lock) {
      return lastNotified;
    }
  }

  /** Registers {@code w}, whose {@code nextRevision} is its start (0 = from now). */
  void add(Watcher w) {
    synchronized (lock) {
      if (w.nextRevision <= 0) {
        w.nextRevision = lastNotified + 1;
      }
      if (w.nextRevision > lastNotified) {
        addSynced(w);
      } else {
        unsynced.add(w);
      }
    }
  }

  void remove(Watcher w) {
    synchronized (lock) {
      removeSynced(w);
      unsynced.remove(w);
    }
  }

  /** Open watch streams (clients), as {@code etcd_debugging_mvcc_watch_stream_total} counts. */
  public int streamCount() {
    return streams.get();
  }

  void streamOpened() {
    streams.incrementAndGet();
  }

  void streamClosed() {
    streams.decrementAndGet();
  }

  public int watcherCount() {
    synchronized (lock) {
      int n = syncedRanges.size() + unsynced.size();
      for (Set<Watcher> s : syncedByKey.values()) {
        n += s.size();
      }
      return n;
    }
  }

  /**
   * Tells synced watchers about a committed batch. Apply thread, after the commit; never blocks
   * on a client.
   */
  public void notify(List<Event> events, long revision) {
    synchronized (lock) {
      if (!events.isEmpty()) {
        Map<Watcher, List<Event>> matched = new HashMap<>();
        for (Event e : events) {
          Set<Watcher> byKey = syncedByKey.get(e.getKv().getKey());
          if (byKey != null) {
            for (Watcher w : byKey) {
              collect(matched, w, e);
            }
          }
          for (Watcher w : syncedRanges) {
            collect(matched, w, e);
          }
        }
        for (Map.Entry<Watcher, List<Event>> m : matched.entrySet()) {
          deliverSynced(m.getKey(), m.getValue());
        }
      }
      lastNotified = revision;
      // A watcher that starts in the future keeps its start: it has nothing before it.
      for (Set<Watcher> s : syncedByKey.values()) {
        s.forEach(w -> advance(w, revision + 1));
      }
      syncedRanges.forEach(w -> advance(w, revision + 1));
    }
  }

  /**
   * The store's contents were replaced (a snapshot from the leader): every synced watcher goes
   * back to catching up from the store, from the revision it was waiting for, and the head moves
   * to the store's revision.
   */
  public void resync(long revision) {
    synchronized (lock) {
      List<Watcher> all = new ArrayList<>(syncedRanges);
      syncedByKey.values().forEach(all::addAll);
      for (Watcher w : all) {
        removeSynced(w);
        unsynced.add(w);
      }
      lastNotified = revision;
    }
  }

  private static void advance(Watcher w, long next) {
    if (w.nextRevision < next) {
      w.nextRevision = next;
    }
  }

  private static void collect(Map<Watcher, List<Event>> matched, Watcher w, Event e) {
    if (e.getKv().getModRevision() >= w.nextRevision && w.wants(e)) {
      matched.computeIfAbsent(w, k -> new ArrayList<>()).add(w.shape(e));
    }
  }

  /** Sends a synced watcher its events, one response per revision; demotes it if it lags. */
  private void deliverSynced(Watcher w, List<Event> events) {
    int from = 0;
    while (from < events.size()) {
      long rev = events.get(from).getKv().getModRevision();
      int to = from;
      while (to < events.size() && events.get(to).getKv().getModRevision() == rev) {
        to++;
      }
      if (!w.stream.offerEvents(w, events.subList(from, to), rev, false)) {
        // Its stream is full: from this revision on it catches up from the store.
        w.nextRevision = rev;
        removeSynced(w);
        unsynced.add(w);
        return;
      }
      from = to;
    }
  }

  private void addSynced(Watcher w) {
    if (w.range.isSingleKey()) {
      syncedByKey.computeIfAbsent(w.range.key(), k -> new HashSet<>()).add(w);
    } else {
      syncedRanges.add(w);
    }
  }

  private void removeSynced(Watcher w) {
    if (w.range.isSingleKey()) {
      Set<Watcher> s = syncedByKey.get(w.range.key());
      if (s != null && s.remove(w) && s.isEmpty()) {
        syncedByKey.remove(w.range.key());
      }
    } else {
      syncedRanges.remove(w);
    }
  }

  private void catchUpAll() {
    for (Watcher w : List.copyOf(unsynced)) {
      try {
        catchUp(w);
      } catch (RuntimeException e) {
        log.warn("watch catch-up failed for watcher {}", w.id, e);
      }
    }
  }

  /** Brings one unsynced watcher forward; promotes it once it has reached the notified head. */
  private void catchUp(Watcher w) {
    if (w.stream.isClosed()) {
      unsynced.remove(w);
      return;
    }
    while (w.stream.hasRoomForCatchUp()) {
      long upTo = lastNotified();
      if (w.nextRevision <= upTo) {
        History h;
        try {
          h = store.history(w.range, w.nextRevision, upTo, true, CATCH_UP_EVENTS);
        } catch (MvccException e) {
          unsynced.remove(w);
          w.stream.watchers.remove(w.id);
          w.stream.sendCanceled(w.id, upTo, store.compactRevision(), null);
          return;
        }
        sendHistory(w, h.events(), upTo);
        w.nextRevision = h.lastRevision() + 1;
      }
      synchronized (lock) {
        if (w.nextRevision > lastNotified && unsynced.remove(w)) {
          addSynced(w);
          return;
        }
      }
    }
  }

  /**
   * Sends caught-up history as etcd does: the events of up to {@value #BATCH_REVISIONS} revisions
   * in one response, whose header carries the revision caught up to.
   */
  private void sendHistory(Watcher w, List<Event> events, long upTo) {
    List<Event> batch = new ArrayList<>();
    long rev = -1;
    int revisions = 0;
    for (Event e : events) {
      if (!w.wants(e)) {
        continue;
      }
      long r = e.getKv().getModRevision();
      if (r != rev) {
        if (revisions == BATCH_REVISIONS) {
          w.stream.offerEvents(w, batch, upTo, true);
          batch = new ArrayList<>();
          revisions = 0;
        }
        rev = r;
        revisions++;
      }
      batch.add(w.shape(e));
    }
    if (!batch.isEmpty()) {
      w.stream.offerEvents(w, batch, upTo, true);
    }
  }

  /** Periodic progress for watchers that asked for it and have had nothing to say. */
  private void notifyProgress() {
    List<Watcher> due = new ArrayList<>();
    long rev;
    synchronized (lock) {
      rev = lastNotified;
      syncedRanges.stream().filter(w -> w.progressNotify).forEach(due::add);
      syncedByKey.values().forEach(s -> s.stream().filter(w -> w.progressNotify)
          .forEach(due::add));
    }
    for (Watcher w : due) {
      w.stream.sendProgress(w.id, rev);
    }
  }

  @Override
  public void close() {
    catchUp.shutdownNow();
  }
}
