package io.cairn.server.raft;

import java.util.List;

/**
 * The durable log as the core sees it: read-only. The driver writes to it (entries, hard state,
 * snapshots from {@link Ready}) before acting on a Ready's messages; the core never writes.
 *
 * <p>Index arithmetic follows one convention: the entry at {@code firstIndex() - 1} is the last one
 * covered by the snapshot, and its term is still answerable by {@link #term(long)} so a leader can
 * send an append that starts right after its snapshot.
 */
public interface Storage {
  /** Persisted hard state and the membership the node last applied. */
  HardStateAndConf initialState();

  /**
   * Entries in {@code [lo, hi)}, stopping early once {@code maxBytes} of payload would be exceeded
   * (but always returning at least one entry when the range is non-empty).
   *
   * @throws StorageException COMPACTED if {@code lo < firstIndex()}
   */
  List<Entry> entries(long lo, long hi, long maxBytes);

  /**
   * Term of entry {@code i}, for {@code firstIndex()-1 <= i <= lastIndex()}.
   *
   * @throws StorageException COMPACTED below that range, UNAVAILABLE above it
   */
  long term(long i);

  long firstIndex();

  long lastIndex();

  /** The most recent snapshot (possibly empty, index 0). */
  Snapshot snapshot();
}
