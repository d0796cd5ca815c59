package io.cairn.console.core.history;

import io.etcd.jetcd.ByteSequence;
import java.util.List;

/**
 * The history of one key, newest first. {@code compactRevision} is the revision at or below which
 * the server has dropped history (0 if never compacted): when the key existed at that revision, its
 * value there is the oldest entry, with its original mod revision. {@code currentRevision} is the
 * store revision the history was read at; {@code truncated} is true when the walk stopped at the
 * requested maximum before reaching the oldest available revision.
 */
public record HistoryResult(
    ByteSequence key, List<KeyRevision> revisions, long compactRevision, long currentRevision,
    boolean truncated) {
  public HistoryResult {
    revisions = List.copyOf(revisions);
  }
}
