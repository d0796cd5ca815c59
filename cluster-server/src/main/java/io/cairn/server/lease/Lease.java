package io.cairn.server.lease;

import com.google.protobuf.ByteString;
import java.util.List;
import java.util.NavigableSet;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * One lease: its granted TTL, the keys attached to it, and (on the member that enforces expiry)
 * its deadline. The deadline is in the lessor's clock and is never persisted: after a restart or
 * a change of leader every lease gets its full TTL again, as etcd's lessor does on promotion.
 */
public final class Lease {
  private final long id;
  private final long ttlSeconds;
  private final NavigableSet<ByteString> keys =
      new ConcurrentSkipListSet<>(ByteString.unsignedLexicographicalComparator());
  private volatile long deadlineNanos;

  Lease(long id, long ttlSeconds, long deadlineNanos) {
    this.id = id;
    this.ttlSeconds = ttlSeconds;
    this.deadlineNanos = deadlineNanos;
  }

  public long id() {
    return id;
  }

  public long ttlSeconds() {
    return ttlSeconds;
  }

  long deadlineNanos() {
    return deadlineNanos;
  }

  void renew(long deadline) {
    this.deadlineNanos = deadline;
  }

  void attach(ByteString key) {
    keys.add(key);
  }

  void detach(ByteString key) {
    keys.remove(key);
  }

  public List<ByteString> keys() {
    return List.copyOf(keys);
  }
}
