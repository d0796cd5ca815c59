package io.cairn.console.core.watch;

import io.cairn.console.core.session.Failures;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A watch that survives stream failures: when the stream breaks (member down, leader change, ...)
 * it is created again from the revision after the last one delivered, with growing pauses, and the
 * listener hears ERROR and then RESUMED. Compacted history gives a COMPACTED notice and the watch
 * goes on from the compact revision. Events are delivered in revision order and never twice (a
 * re-created watch could overlap what was already delivered, so events are checked by revision
 * and key).
 *
 * <p>jetcd would re-create a broken watch by itself, but without telling anyone and with a fixed
 * pause; this class closes jetcd's watcher on the first error and re-creates it itself instead.
 * Failures are handled on a small daemon thread of the subscription, never under jetcd's locks.
 */
public final class WatchSubscription implements AutoCloseable {
  private static final long FIRST_BACKOFF_MS = 250;
  private static final long MAX_BACKOFF_MS = 5_000;

  private final Client client;
  private final ByteSequence key;
  private final boolean prefix;
  private final boolean prevKv;
  private final long startRevision;
  private final WatchListener listener;
  private final ScheduledThreadPoolExecutor scheduler;
  private final Object lock = new Object();

  // Guarded by lock.
  private Watch.Watcher watcher;
  private int generation;
  private long lastRevision;
  private final Set<ByteSequence> keysAtLastRevision = new HashSet<>();
  private boolean startedNotified;
  private String resumeCause;
  private long backoffMs = FIRST_BACKOFF_MS;
  private volatile boolean closed;

  private WatchSubscription(Client client, ByteSequence key, boolean prefix, long startRevision, boolean prevKv,
      WatchListener listener) {
    this.client = client;
    this.key = key;
    this.prefix = prefix;
    this.prevKv = prevKv;
    this.startRevision = startRevision;
    this.listener = listener;
    this.lastRevision = startRevision > 0 ? startRevision - 1 : -1;
    this.scheduler = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "cairn-watch-retry");
      t.setDaemon(true);
      return t;
    });
    scheduler.setKeepAliveTime(30, TimeUnit.SECONDS);
    scheduler.allowCoreThreadTimeOut(true);
    scheduler.setRemoveOnCancelPolicy(true);
  }

  /**
   * Starts watching {@code key} (or every key under it when {@code prefix}).
   *
   * @param startRevision the first revision to deliver, or 0 for changes from now on
   * @param prevKv        also deliver each key's previous value
   */
  public static WatchSubscription start(Client client, ByteSequence key, boolean prefix, long startRevision,
      boolean prevKv, WatchListener listener) {
    if (startRevision < 0) {
      throw new IllegalArgumentException("start revision must be 0 (now) or positive: " + startRevision);
    }
    WatchSubscription s = new WatchSubscription(client, key, prefix, startRevision, prevKv, listener);
    s.open();
    return s;
  }

  /**
   * The highest revision delivered so far, or, before any event, the revision the watch started
   * after; 0 while a watch "from now" has not been established yet.
   */
  public long lastRevision() {
    synchronized (lock) {
      return Math.max(0, lastRevision);
    }
  }

  /** Creates the jetcd watcher from the next undelivered revision. Not called under jetcd's locks. */
  private void open() {
    int gen;
    long from;
    synchronized (lock) {
      if (closed) {
        return;
      }
      gen = ++generation;
      from = lastRevision >= 0 ? lastRevision + 1 : 0;
    }
    WatchOption.Builder option = WatchOption.builder().withRevision(from).withPrevKV(prevKv)
        .withCreateNotify(true).isPrefix(prefix);
    Watch.Watcher created;
    try {
      created = client.getWatchClient().watch(key, option.build(), new Listener(gen, from));
    } catch (RuntimeException e) {
      // Only a closed client refuses to create a watcher: retrying cannot help.
      synchronized (lock) {
        notice(WatchNotice.Kind.ERROR, "cannot watch: " + Failures.describe(e), Math.max(0, lastRevision));
      }
      return;
    }
    boolean stale;
    synchronized (lock) {
      stale = closed || gen != generation;
      if (!stale) {
        watcher = created;
      }
    }
    if (stale) {
      created.close();
    }
  }

  private void onResponse(int gen, long from, WatchResponse response) {
    synchronized (lock) {
      if (closed || gen != generation) {
        return;
      }
      if (response.isCreatedNotify()) {
        onCreated(from, response.getHeader().getRevision());
        return;
      }
      Instant received = Instant.now();
      List<WatchedEvent> batch = new ArrayList<>();
      for (WatchEvent event : response.getEvents()) {
        KeyValue kv = event.getKeyValue();
        long revision = kv.getModRevision();
        if (revision < lastRevision || (revision == lastRevision && keysAtLastRevision.contains(kv.getKey()))) {
          continue; // already delivered by an earlier stream
        }
        if (revision > lastRevision) {
          lastRevision = revision;
          keysAtLastRevision.clear();
        }
        keysAtLastRevision.add(kv.getKey());
        batch.add(convert(event, received));
      }
      backoffMs = FIRST_BACKOFF_MS;
      if (!batch.isEmpty()) {
        listener.onEvents(Collections.unmodifiableList(batch));
      }
    }
  }

  private void onCreated(long from, long headerRevision) {
    long first = from > 0 ? from : headerRevision + 1;
    if (lastRevision < 0) {
      lastRevision = headerRevision;
    }
    if (!startedNotified) {
      startedNotified = true;
      resumeCause = null;
      notice(WatchNotice.Kind.STARTED, "watching " + describeKey() + " from revision " + first, first);
    } else if (resumeCause != null) {
      notice(WatchNotice.Kind.RESUMED, "resumed from revision " + first + " after: " + resumeCause, first);
      resumeCause = null;
    }
  }

  /** The watcher of generation {@code gen} failed or ended; runs on the subscription's thread. */
  private void onFailure(int gen, Throwable failure) {
    Watch.Watcher failed;
    long delay;
    synchronized (lock) {
      if (closed || gen != generation) {
        return;
      }
      generation++; // anything the failed watcher still sends is ignored from now on
      failed = watcher;
      watcher = null;
      Throwable cause = Failures.unwrap(failure);
      if (cause instanceof CompactedException compacted) {
        long compactRevision = compacted.getCompactedRevision();
        notice(WatchNotice.Kind.COMPACTED, "history before revision " + compactRevision
            + " was compacted: events from revision " + (lastRevision + 1) + " to " + (compactRevision - 1)
            + " are lost; continuing from revision " + compactRevision, compactRevision);
        lastRevision = Math.max(lastRevision, compactRevision - 1);
        keysAtLastRevision.clear();
        delay = 0;
      } else {
        delay = backoffMs;
        backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
        resumeCause = failure == null ? "the stream ended" : Failures.describe(cause);
        notice(WatchNotice.Kind.ERROR, "watch stream failed (" + resumeCause + "); retrying in " + delay + " ms",
            Math.max(0, lastRevision));
      }
    }
    if (failed != null) {
      failed.close();
    }
    if (!closed) {
      scheduler.schedule(this::open, delay, TimeUnit.MILLISECONDS);
    }
  }

  private void notice(WatchNotice.Kind kind, String message, long revision) {
    listener.onNotice(new WatchNotice(kind, message, revision));
  }

  private String describeKey() {
    String k = key.toString(java.nio.charset.StandardCharsets.UTF_8);
    return prefix ? "keys under '" + k + "'" : "'" + k + "'";
  }

  private WatchedEvent convert(WatchEvent event, Instant received) {
    KeyValue kv = event.getKeyValue();
    KeyValue prev = event.getPrevKV();
    ByteSequence prevValue = prev == null || prev.getKey().isEmpty() ? null : prev.getValue();
    WatchedEvent.Type type = event.getEventType() == WatchEvent.EventType.DELETE
        ? WatchedEvent.Type.DELETE
        : WatchedEvent.Type.PUT;
    return new WatchedEvent(kv.getModRevision(), type, kv.getKey(), kv.getValue(), prevValue,
        kv.getCreateRevision(), kv.getModRevision(), kv.getVersion(), received);
  }

  /** Cancels the watch; no calls reach the listener after this returns (except one already running). */
  @Override
  public void close() {
    Watch.Watcher current;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      current = watcher;
      watcher = null;
    }
    scheduler.shutdownNow();
    if (current != null) {
      current.close();
    }
  }

  /** jetcd's callbacks for one generation; failures are handed to the subscription's thread. */
  private final class Listener implements Watch.Listener {
    private final int gen;
    private final long from;

    Listener(int gen, long from) {
      this.gen = gen;
      this.from = from;
    }

    @Override
    public void onNext(WatchResponse response) {
      onResponse(gen, from, response);
    }

    @Override
    public void onError(Throwable throwable) {
      // jetcd calls this under its own lock: do nothing here that could wait for ours.
      handOver(throwable);
    }

    @Override
    public void onCompleted() {
      handOver(null);
    }

    private void handOver(Throwable throwable) {
      if (!closed) {
        try {
          scheduler.execute(() -> onFailure(gen, throwable));
        } catch (java.util.concurrent.RejectedExecutionException e) {
          // closed meanwhile
        }
      }
    }
  }
}
