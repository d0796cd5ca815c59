package io.cairn.server.raft;

import java.util.ArrayList;
import java.util.List;

/**
 * An in-memory {@link Storage} that the driver also writes to. Used by tests and by a server
 * that keeps its log elsewhere but wants the core's view cached.
 *
 * <p>Entry 0 of the internal list is a placeholder carrying the snapshot's index and term, so
 * {@code term(firstIndex() - 1)} works without a special case. Methods are synchronized because a
 * driver may read (e.g. for snapshot streaming) from another thread than the one appending.
 */
public final class MemoryStorage implements Storage {
  private HardState hardState = HardState.EMPTY;
  private Snapshot snapshot = Snapshot.EMPTY;
  private ConfState confState = ConfState.EMPTY;
  private List<Entry> ents = new ArrayList<>(List.of(new Entry(0, 0, EntryType.DATA, null)));

  public MemoryStorage() {}

  /**
   * A fresh storage for a founding member of a new cluster. The initial membership is recorded as
   * a snapshot at index 1, term 1 (committed by definition) rather than only as local state: a
   * member added later starts empty and must learn the founding membership from the log, and the
   * leader can only send it entries after index 1 by way of this snapshot.
   */
  public static MemoryStorage bootstrap(ConfState initial) {
    MemoryStorage s = new MemoryStorage();
    s.applySnapshot(new Snapshot(new SnapshotMeta(1, 1, initial), null));
    s.hardState = new HardState(1, 0, 1);
    return s;
  }

  @Override
  public synchronized HardStateAndConf initialState() {
    return new HardStateAndConf(hardState, confState);
  }

  public synchronized HardState hardState() {
    return hardState;
  }

  public synchronized void setHardState(HardState hs) {
    this.hardState = hs;
  }

  /**
   * Records the membership the driver has applied, so a restart resumes with it (a snapshot
   * carries its own; changes applied after the snapshot must be remembered separately).
   */
  public synchronized void setConfState(ConfState cs) {
    this.confState = cs;
  }

  @Override
  public synchronized List<Entry> entries(long lo, long hi, long maxBytes) {
    long offset = ents.get(0).index();
    if (lo <= offset) {
      throw new StorageException(StorageException.Reason.COMPACTED, "entries from " + lo);
    }
    if (hi > lastIndexLocked() + 1) {
      throw new IllegalArgumentException(
          "entries hi " + hi + " beyond last index " + lastIndexLocked());
    }
    List<Entry> out = new ArrayList<>();
    long size = 0;
    for (long i = lo; i < hi; i++) {
      Entry e = ents.get((int) (i - offset));
      size += e.payloadSize();
      if (!out.isEmpty() && size > maxBytes) {
        break;
      }
      out.add(e);
    }
    return out;
  }

  @Override
  public synchronized long term(long i) {
    long offset = ents.get(0).index();
    if (i < offset) {
      throw new StorageException(StorageException.Reason.COMPACTED, "term of " + i);
    }
    if (i - offset >= ents.size()) {
      throw new StorageException(StorageException.Reason.UNAVAILABLE, "term of " + i);
    }
    return ents.get((int) (i - offset)).term();
  }

  @Override
  public synchronized long firstIndex() {
    return ents.get(0).index() + 1;
  }

  @Override
  public synchronized long lastIndex() {
    return lastIndexLocked();
  }

  private long lastIndexLocked() {
    return ents.get(0).index() + ents.size() - 1;
  }

  @Override
  public synchronized Snapshot snapshot() {
    return snapshot;
  }

  /** Replaces the whole log with a snapshot received from the leader. */
  public synchronized void applySnapshot(Snapshot snap) {
    if (snap.index() <= snapshot.index() && !snapshot.isEmpty()) {
      throw new StorageException(
          StorageException.Reason.SNAPSHOT_OUT_OF_DATE, "snapshot " + snap.index());
    }
    snapshot = snap;
    confState = snap.meta().confState();
    ents = new ArrayList<>(List.of(new Entry(snap.term(), snap.index(), EntryType.DATA, null)));
  }

  /**
   * Records a snapshot of the applied state at index {@code i} (the driver calls this, then
   * usually {@link #compact}).
   */
  public synchronized Snapshot createSnapshot(long i, ConfState cs, byte[] data) {
    if (i <= snapshot.index()) {
      throw new StorageException(StorageException.Reason.SNAPSHOT_OUT_OF_DATE, "snapshot " + i);
    }
    if (i > lastIndexLocked()) {
      throw new IllegalArgumentException("snapshot " + i + " beyond last index");
    }
    long offset = ents.get(0).index();
    snapshot = new Snapshot(new SnapshotMeta(i, ents.get((int) (i - offset)).term(), cs), data);
    return snapshot;
  }

  /** Discards entries up to and including {@code compactIndex}; it must be applied already. */
  public synchronized void compact(long compactIndex) {
    long offset = ents.get(0).index();
    if (compactIndex <= offset) {
      throw new StorageException(StorageException.Reason.COMPACTED, "compact " + compactIndex);
    }
    if (compactIndex > lastIndexLocked()) {
      throw new IllegalArgumentException("compact " + compactIndex + " beyond last index");
    }
    int cut = (int) (compactIndex - offset);
    List<Entry> next = new ArrayList<>(ents.size() - cut);
    Entry keep = ents.get(cut);
    next.add(new Entry(keep.term(), keep.index(), EntryType.DATA, null));
    next.addAll(ents.subList(cut + 1, ents.size()));
    ents = next;
  }

  /**
   * Appends entries, replacing any existing suffix they conflict with. Entries already compacted
   * are skipped; a gap after the last index is a driver bug.
   */
  public synchronized void append(List<Entry> entries) {
    if (entries.isEmpty()) {
      return;
    }
    long first = ents.get(0).index() + 1;
    long last = entries.get(0).index() + entries.size() - 1;
    if (last < first) {
      return;
    }
    if (first > entries.get(0).index()) {
      entries = entries.subList((int) (first - entries.get(0).index()), entries.size());
    }
    long offset = entries.get(0).index() - ents.get(0).index();
    if (ents.size() > offset) {
      ents = new ArrayList<>(ents.subList(0, (int) offset));
      ents.addAll(entries);
    } else if (ents.size() == offset) {
      ents.addAll(entries);
    } else {
      throw new IllegalStateException(
          "missing log entry: last " + lastIndexLocked() + ", append at " + entries.get(0).index());
    }
  }
}
