package io.cairn.server.mvcc;

/** Something that answers MVCC range reads: the store itself or a write in progress. */
public interface RangeReader {
  /**
   * Reads {@code range} as of revision {@code rev} (0 = the reader's current revision), returning
   * at most {@code limit} key-values (0 = all) and the count of the whole range.
   *
   * @throws MvccException when {@code rev} is compacted or in the future
   */
  RangeResult range(KeyRange range, long rev, long limit, boolean countOnly);
}
