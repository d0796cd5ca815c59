package io.cairn.server.mvcc;

import java.util.Arrays;

/**
 * The revisions of one key, oldest first: etcd's {@code keyIndex}. Each entry records the
 * revision (main, sub), whether it is a tombstone, and the key's create revision and version at
 * that point, so that a put can compute the next version without reading the old row.
 *
 * <p>One writer (the apply thread) and many readers. The writer only ever appends past the size
 * that readers have seen and then publishes a new {@link Snapshot} through a volatile field, so a
 * reader always sees a consistent prefix. Compaction publishes a fresh array.
 */
final class KeyHistory {
  private static final int STRIDE = 4; // main, sub<<1|tombstone, created, version

  /** An immutable view: the first {@code size} entries of {@code data}. */
  record Snapshot(long[] data, int size) {
    long main(int i) {
      return data[i * STRIDE];
    }

    long sub(int i) {
      return data[i * STRIDE + 1] >>> 1;
    }

    boolean tombstone(int i) {
      return (data[i * STRIDE + 1] & 1) != 0;
    }

    long created(int i) {
      return data[i * STRIDE + 2];
    }

    long version(int i) {
      return data[i * STRIDE + 3];
    }

    /** Index of the newest entry whose main revision is at or below {@code rev}, or -1. */
    int atOrBefore(long rev) {
      int lo = 0;
      int hi = size - 1;
      int found = -1;
      while (lo <= hi) {
        int mid = (lo + hi) >>> 1;
        if (main(mid) <= rev) {
          found = mid;
          lo = mid + 1;
        } else {
          hi = mid - 1;
        }
      }
      return found;
    }

    /** Index of the live (non-tombstone) entry visible at {@code rev}, or -1. */
    int liveAt(long rev) {
      int i = atOrBefore(rev);
      return i >= 0 && !tombstone(i) ? i : -1;
    }
  }

  private volatile Snapshot snapshot = new Snapshot(new long[STRIDE * 2], 0);

  Snapshot snapshot() {
    return snapshot;
  }

  /** Appends a revision. Writer thread only. */
  void append(long main, long sub, boolean tombstone, long created, long version) {
    Snapshot s = snapshot;
    long[] data = s.data;
    int n = s.size;
    if ((n + 1) * STRIDE > data.length) {
      data = Arrays.copyOf(data, Math.max(STRIDE * 4, data.length * 2));
    }
    int at = n * STRIDE;
    data[at] = main;
    data[at + 1] = (sub << 1) | (tombstone ? 1 : 0);
    data[at + 2] = created;
    data[at + 3] = version;
    snapshot = new Snapshot(data, n + 1);
  }

  /**
   * Drops every entry that no read at or after {@code rev} can need: all entries at or below
   * {@code rev} except the newest of them, and that one too when it is a tombstone. Writer thread
   * only.
   *
   * @return the index in the old snapshot of the entry at or below {@code rev} that was kept, or -1
   */
  int compact(long rev) {
    Snapshot s = snapshot;
    int last = s.atOrBefore(rev);
    if (last < 0) {
      return -1;
    }
    int keepFrom = s.tombstone(last) ? last + 1 : last;
    int n = s.size - keepFrom;
    long[] data = new long[Math.max(STRIDE * 2, n * STRIDE)];
    System.arraycopy(s.data, keepFrom * STRIDE, data, 0, n * STRIDE);
    snapshot = new Snapshot(data, n);
    return keepFrom == last ? last : -1;
  }

  boolean isEmpty() {
    return snapshot.size == 0;
  }
}
