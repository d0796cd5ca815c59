package io.cairn.server.raft;

import java.util.ArrayList;
import java.util.List;

/**
 * The tail of the log not yet handed to storage: an optional incoming snapshot followed by
 * entries starting at {@code offset}. Entries leave once the driver reports them persisted.
 */
final class UnstableLog {
  Snapshot snapshot;
  List<Entry> entries = new ArrayList<>();
  long offset;

  UnstableLog(long offset) {
    this.offset = offset;
  }

  /** Index after the snapshot, if one is pending; -1 otherwise. */
  long maybeFirstIndex() {
    return snapshot != null ? snapshot.index() + 1 : -1;
  }

  long maybeLastIndex() {
    if (!entries.isEmpty()) {
      return offset + entries.size() - 1;
    }
    return snapshot != null ? snapshot.index() : -1;
  }

  /** Term of entry i if this part of the log knows it; -1 otherwise. */
  long maybeTerm(long i) {
    if (i < offset) {
      return snapshot != null && snapshot.index() == i ? snapshot.term() : -1;
    }
    long last = maybeLastIndex();
    if (last < 0 || i > last) {
      return -1;
    }
    return entries.get((int) (i - offset)).term();
  }

  /**
   * Entries up to i (of term t) are durable. The term check matters: if the tail was replaced
   * after the Ready was produced, the persisted entry is no longer ours and stays unstable.
   */
  void stableTo(long i, long t) {
    long gt = maybeTerm(i);
    if (gt == t && i >= offset) {
      entries = new ArrayList<>(entries.subList((int) (i + 1 - offset), entries.size()));
      offset = i + 1;
    }
  }

  void stableSnapTo(long i) {
    if (snapshot != null && snapshot.index() == i) {
      snapshot = null;
    }
  }

  void restore(Snapshot s) {
    offset = s.index() + 1;
    entries = new ArrayList<>();
    snapshot = s;
  }

  void truncateAndAppend(List<Entry> ents) {
    long after = ents.get(0).index();
    if (after == offset + entries.size()) {
      entries.addAll(ents);
    } else if (after <= offset) {
      // Replaces everything unstable; storage's conflicting suffix is overwritten on persist.
      offset = after;
      entries = new ArrayList<>(ents);
    } else {
      List<Entry> kept = new ArrayList<>(entries.subList(0, (int) (after - offset)));
      kept.addAll(ents);
      entries = kept;
    }
  }

  List<Entry> slice(long lo, long hi) {
    if (lo > hi || lo < offset || hi > offset + entries.size()) {
      throw new IllegalArgumentException(
          "unstable slice [" + lo + "," + hi + ") out of [" + offset + "," + (offset + entries.size()) + "]");
    }
    return entries.subList((int) (lo - offset), (int) (hi - offset));
  }
}
