package io.cairn.console.core.history;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Loads the revisions of one key, newest first, and restores old values with a compare-and-swap.
 *
 * <p>How the history is found, and why: a range at a past revision sees values but never
 * deletions, while a watch from a past revision sees everything but costs the server a scan of
 * every revision from its start. So the current generation (the key's life since its last
 * creation) is walked back with ranges, one per version ({@code get key @ mod_revision - 1}): cheap,
 * exact, and it stops at {@code maxRevisions} without touching older history. Only when the walk
 * reaches the generation's creation and there is room for more are older generations (with their
 * deletions) replayed with a watch from just after the compaction boundary up to that creation,
 * whose event is known to come and ends the replay exactly. A key that is deleted now has no
 * current generation: its whole history is replayed, ending after a quiet period (see
 * {@link EventReplay}). The compact revision is probed with a range at revision 1 (refused once
 * anything was compacted) and then read from the cancellation of a watch from revision 1, which both
 * etcd and Cairn report with the compact revision; {@code HashKV} would need a member endpoint.
 */
public final class KeyHistory {
  /** Upper bound of {@code maxRevisions}. */
  public static final int MAX_REVISIONS = 100_000;
  /** How long a replay for a deleted key waits for more events before it ends. */
  public static final Duration DEFAULT_QUIET = Duration.ofSeconds(1);
  /** A replay that should end exactly but has had no response for this long fails. */
  static final Duration STALL = Duration.ofSeconds(15);

  private final KV kv;
  private final Watch watch;
  private final Duration quiet;

  public KeyHistory(Client client) {
    this(client, DEFAULT_QUIET);
  }

  /** {@code quiet}: how long the replay of a currently deleted key waits for further events. */
  public KeyHistory(Client client, Duration quiet) {
    Objects.requireNonNull(client, "client");
    this.kv = client.getKVClient();
    this.watch = client.getWatchClient();
    this.quiet = Objects.requireNonNull(quiet, "quiet");
  }

  /** The history of {@code key}, newest first, at most {@code maxRevisions} entries. */
  public CompletableFuture<HistoryResult> load(ByteSequence key, int maxRevisions) {
    if (maxRevisions < 1 || maxRevisions > MAX_REVISIONS) {
      throw new IllegalArgumentException(
          "maxRevisions must be within 1.." + MAX_REVISIONS + ": " + maxRevisions);
    }
    return kv.get(key).thenCompose(now -> {
      long current = now.getHeader().getRevision();
      Optional<KeyValue> value = now.getKvs().stream().findFirst();
      return compactRevision(key).thenCompose(compact ->
          new Load(key, maxRevisions, current, compact).run(value));
    });
  }

  /**
   * Puts {@code value} if the key's mod revision is still {@code expectedModRevision} (0: the key
   * must be absent); true when it applied, false when someone changed the key meanwhile. The value
   * is written without a lease: the lease of the old revision may be long gone.
   */
  public CompletableFuture<Boolean> restore(
      ByteSequence key, ByteSequence value, long expectedModRevision) {
    return kv.txn()
        .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(expectedModRevision)))
        .Then(Op.put(key, value, PutOption.DEFAULT))
        .commit()
        .thenApply(r -> r.isSucceeded());
  }

  /** The revision at or below which history is gone, 0 when nothing was ever compacted. */
  CompletableFuture<Long> compactRevision(ByteSequence key) {
    GetOption atOne = GetOption.builder().withRevision(1).withCountOnly(true).build();
    return kv.get(key, atOne).handle((r, err) -> {
      if (err == null) {
        return CompletableFuture.completedFuture(0L);
      }
      if (!isCompacted(err)) {
        return CompletableFuture.<Long>failedFuture(unwrap(err));
      }
      return compactedFromWatch(key);
    }).thenCompose(f -> f);
  }

  private CompletableFuture<Long> compactedFromWatch(ByteSequence key) {
    CompletableFuture<Long> out = new CompletableFuture<>();
    Watch.Watcher w = watch.watch(key, WatchOption.builder().withRevision(1).build(),
        Watch.listener(
            r -> out.complete(0L), // events from revision 1: compaction was undone (a restore)
            t -> {
              if (t instanceof CompactedException c) {
                out.complete(c.getCompactedRevision());
              } else {
                out.completeExceptionally(t);
              }
            },
            () -> out.completeExceptionally(new IllegalStateException("watch ended"))));
    return out.whenComplete((r, t) -> w.close());
  }

  /** A "required revision has been compacted" failure, as jetcd or gRPC reports it. */
  static boolean isCompacted(Throwable err) {
    for (Throwable t = err; t != null; t = t.getCause()) {
      boolean outOfRange = t instanceof EtcdException e && e.getErrorCode() == ErrorCode.OUT_OF_RANGE
          || t instanceof StatusRuntimeException s && s.getStatus().getCode() == Status.Code.OUT_OF_RANGE;
      if (outOfRange && String.valueOf(t.getMessage()).contains("compacted")) {
        return true;
      }
    }
    return false;
  }

  private static Throwable unwrap(Throwable t) {
    return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
  }

  /** One {@link #load}: the walk back through the current generation, then the replay. */
  private final class Load {
    private final ByteSequence key;
    private final int max;
    private final long current;
    private final long compact;
    private final List<KeyRevision> newestFirst = new ArrayList<>();

    Load(ByteSequence key, int max, long current, long compact) {
      this.key = key;
      this.max = max;
      this.current = current;
      this.compact = compact;
    }

    CompletableFuture<HistoryResult> run(Optional<KeyValue> now) {
      if (now.isEmpty()) {
        // Deleted (or never written): everything up to now comes from the replay.
        return older(current, quiet);
      }
      return walk(now.get());
    }

    private CompletableFuture<HistoryResult> walk(KeyValue v) {
      newestFirst.add(new KeyRevision(v.getModRevision(), v.getCreateRevision(), v.getVersion(),
          v.getValue(), v.getLease(), false));
      boolean firstOfGeneration = v.getVersion() == 1;
      long before = v.getModRevision() - 1;
      boolean moreMayExist = firstOfGeneration ? before > compact : before >= Math.max(1, compact);
      if (!moreMayExist) {
        return done(false);
      }
      if (newestFirst.size() == max) {
        return done(true);
      }
      if (firstOfGeneration) {
        // Event at the creation ends the replay exactly.
        return older(before, null);
      }
      return kv.get(key, GetOption.builder().withRevision(before).build()).handle((r, err) -> {
        if (err != null) {
          // Compacted meanwhile: what was read so far is the history that is left.
          return isCompacted(err) ? done(false) : CompletableFuture.<HistoryResult>failedFuture(
              unwrap(err));
        }
        Optional<KeyValue> prev = r.getKvs().stream().findFirst();
        return prev.isPresent() ? walk(prev.get()) : older(before, null);
      }).thenCompose(f -> f);
    }

    /** Adds the events up to {@code lastWanted}, then the value surviving at the compaction. */
    private CompletableFuture<HistoryResult> older(long lastWanted, Duration quietPeriod) {
      int budget = max - newestFirst.size();
      return EventReplay.replay(watch, key, compact + 1, lastWanted, budget, quietPeriod, STALL)
          .thenCompose(o -> {
            List<KeyRevision> events = o.oldestFirst();
            for (int i = events.size() - 1; i >= 0; i--) {
              newestFirst.add(events.get(i));
            }
            if (o.dropped()) {
              return done(true);
            }
            return survivorAtCompaction(lastWanted);
          });
    }

    /**
     * After a compaction the value the key had at the compact revision is still readable (with its
     * original revisions): it is the oldest entry. Skipped when nothing was compacted.
     */
    private CompletableFuture<HistoryResult> survivorAtCompaction(long lastWanted) {
      if (compact == 0 || lastWanted < compact) {
        return done(false);
      }
      return kv.get(key, GetOption.builder().withRevision(compact).build()).handle((r, err) -> {
        if (err != null) {
          return isCompacted(err) ? done(false) : CompletableFuture.<HistoryResult>failedFuture(
              unwrap(err));
        }
        Optional<KeyValue> v = r.getKvs().stream().findFirst();
        if (v.isEmpty()) {
          return done(false);
        }
        if (newestFirst.size() == max) {
          return done(true);
        }
        KeyValue s = v.get();
        newestFirst.add(new KeyRevision(s.getModRevision(), s.getCreateRevision(), s.getVersion(),
            s.getValue(), s.getLease(), false));
        return done(false);
      }).thenCompose(f -> f);
    }

    private CompletableFuture<HistoryResult> done(boolean truncated) {
      return CompletableFuture.completedFuture(
          new HistoryResult(key, newestFirst, compact, current, truncated));
    }
  }
}
