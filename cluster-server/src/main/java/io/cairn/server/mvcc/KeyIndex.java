package io.cairn.server.mvcc;

import com.google.protobuf.ByteString;
import java.util.Collection;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * In-memory index from user key to its {@link KeyHistory}: etcd's {@code treeIndex}. Rebuilt from
 * the row table at start-up. Ordered by unsigned byte order, as etcd orders keys.
 */
final class KeyIndex {
  private final ConcurrentSkipListMap<ByteString, KeyHistory> keys =
      new ConcurrentSkipListMap<>(ByteString.unsignedLexicographicalComparator());

  void clear() {
    keys.clear();
  }

  KeyHistory get(ByteString key) {
    return keys.get(key);
  }

  KeyHistory getOrCreate(ByteString key) {
    return keys.computeIfAbsent(key, k -> new KeyHistory());
  }

  /** The histories of the keys in {@code range}, ascending. */
  Collection<Map.Entry<ByteString, KeyHistory>> range(KeyRange range) {
    if (range.isSingleKey()) {
      KeyHistory h = keys.get(range.key());
      return h == null ? java.util.List.of() : java.util.List.of(Map.entry(range.key(), h));
    }
    NavigableMap<ByteString, KeyHistory> sub;
    if (range.toEnd()) {
      sub = keys.tailMap(range.key(), true);
    } else {
      if (ByteString.unsignedLexicographicalComparator().compare(range.key(), range.end()) >= 0) {
        return java.util.List.of();
      }
      sub = keys.subMap(range.key(), true, range.end(), false);
    }
    return sub.entrySet();
  }

  /**
   * Compacts every history at {@code rev}; reports the packed row identity (see {@link
   * #packRow}) of each kept entry at or below {@code rev}. Writer thread only.
   */
  void compact(long rev, RowConsumer keep) {
    for (Map.Entry<ByteString, KeyHistory> e : keys.entrySet()) {
      KeyHistory h = e.getValue();
      KeyHistory.Snapshot before = h.snapshot();
      int kept = h.compact(rev);
      if (kept >= 0) {
        keep.accept(before.main(kept), before.sub(kept));
      }
      if (h.isEmpty()) {
        keys.remove(e.getKey(), h);
      }
    }
  }

  /** Number of keys that are live at {@code rev}. */
  long liveCount(long rev) {
    long n = 0;
    for (KeyHistory h : keys.values()) {
      if (h.snapshot().liveAt(rev) >= 0) {
        n++;
      }
    }
    return n;
  }

  interface RowConsumer {
    void accept(long main, long sub);
  }
}
