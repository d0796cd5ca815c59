package io.cairn.server.lease;

import com.google.protobuf.ByteString;
import io.cairn.server.errors.EtcdError;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.lmdbjava.CursorIterable;
import org.lmdbjava.Dbi;
import org.lmdbjava.Txn;

/**
 * The member's leases. Grant and revoke are state-machine commands applied from the log (on the
 * apply thread, inside the batch's LMDB transaction), so every member has the same leases; keep
 * alive and expiry are the enforcing member's business (the leader's, in a cluster), kept in
 * memory.
 *
 * <p>Persistence: the {@code lease} database maps the 8-byte big-endian lease ID to its 8-byte
 * granted TTL. Key attachments are not stored separately: each key's {@code lease} field in the
 * MVCC store is the truth, and {@link #attach} rebuilds them at start-up.
 */
public final class Lessor {
  /** etcd's upper bound on a lease TTL, in seconds. */
  public static final long MAX_TTL_SECONDS = 9_000_000_000L;

  private final Supplier<Dbi<byte[]>> db;
  private final LongSupplier clock;
  private final long minTtlSeconds;
  private final Map<Long, Lease> leases = new ConcurrentHashMap<>();

  /**
   * @param clock monotonic nanoseconds
   * @param minTtlSeconds the smallest TTL granted; shorter requests are raised to it, as etcd
   *     raises them to its minimum (1.5 election timeouts, rounded up)
   */
  public Lessor(
      Supplier<Dbi<byte[]>> db, Txn<byte[]> readTxn, LongSupplier clock, long minTtlSeconds) {
    this.db = db;
    this.clock = clock;
    this.minTtlSeconds = minTtlSeconds;
    reload(readTxn);
  }

  /**
   * Reads the leases again (after a snapshot from the leader replaced them), each with its full
   * TTL from now; attach their keys again with {@link #attach}.
   */
  public void reload(Txn<byte[]> readTxn) {
    leases.clear();
    long now = clock.getAsLong();
    try (CursorIterable<byte[]> rows = db.get().iterate(readTxn)) {
      for (CursorIterable.KeyVal<byte[]> row : rows) {
        long id = ByteBuffer.wrap(row.key()).getLong();
        long ttl = ByteBuffer.wrap(row.val()).getLong();
        leases.put(id, new Lease(id, ttl, now + seconds(ttl)));
      }
    }
  }

  public long minTtlSeconds() {
    return minTtlSeconds;
  }

  /** The TTL a grant of {@code requested} seconds gets. */
  public long effectiveTtl(long requested) {
    return Math.max(requested, minTtlSeconds);
  }

  /** Applies a grant. Apply thread. */
  public Lease grant(Txn<byte[]> txn, long id, long ttlSeconds) {
    if (ttlSeconds > MAX_TTL_SECONDS) {
      throw EtcdError.LEASE_TTL_TOO_LARGE.exception();
    }
    if (leases.containsKey(id)) {
      throw EtcdError.LEASE_EXIST.exception();
    }
    long ttl = effectiveTtl(ttlSeconds);
    Lease l = new Lease(id, ttl, clock.getAsLong() + seconds(ttl));
    db.get().put(txn, idKey(id), ByteBuffer.allocate(8).putLong(ttl).array());
    leases.put(id, l);
    return l;
  }

  /**
   * Applies a revoke: forgets the lease and returns it so that the caller can delete its keys in
   * the same transaction. Apply thread.
   */
  public Lease revoke(Txn<byte[]> txn, long id) {
    Lease l = leases.remove(id);
    if (l == null) {
      throw EtcdError.LEASE_NOT_FOUND.exception();
    }
    db.get().delete(txn, idKey(id));
    return l;
  }

  public boolean exists(long id) {
    return leases.containsKey(id);
  }

  public Lease get(long id) {
    return leases.get(id);
  }

  public Collection<Lease> all() {
    return List.copyOf(leases.values());
  }

  /** Records that {@code key} now belongs to {@code lease} (0 = none). Apply thread. */
  public void attach(long lease, ByteString key) {
    Lease l = lease == 0 ? null : leases.get(lease);
    if (l != null) {
      l.attach(key);
    }
  }

  public void detach(long lease, ByteString key) {
    Lease l = lease == 0 ? null : leases.get(lease);
    if (l != null) {
      l.detach(key);
    }
  }

  /** Extends a lease by its TTL from now; returns the TTL, or 0 when the lease is gone. */
  public long keepAlive(long id) {
    Lease l = leases.get(id);
    if (l == null) {
      return 0;
    }
    l.renew(clock.getAsLong() + seconds(l.ttlSeconds()));
    return l.ttlSeconds();
  }

  /** Whole seconds left before {@code l} expires, truncated as etcd reports them; at least 0. */
  public long remainingSeconds(Lease l) {
    long left = l.deadlineNanos() - clock.getAsLong();
    return left <= 0 ? 0 : left / 1_000_000_000L;
  }

  /** Leases whose deadline has passed. */
  public List<Lease> expired() {
    long now = clock.getAsLong();
    List<Lease> out = new ArrayList<>();
    for (Lease l : leases.values()) {
      if (l.deadlineNanos() - now <= 0) {
        out.add(l);
      }
    }
    return out;
  }

  /** Gives every lease its full TTL from now: a new enforcer takes over (start, new leader). */
  public void renewAll() {
    long now = clock.getAsLong();
    leases.values().forEach(l -> l.renew(now + seconds(l.ttlSeconds())));
  }

  private static long seconds(long s) {
    return s >= Long.MAX_VALUE / 1_000_000_000L ? Long.MAX_VALUE / 4 : s * 1_000_000_000L;
  }

  private static byte[] idKey(long id) {
    return ByteBuffer.allocate(8).putLong(id).array();
  }
}
