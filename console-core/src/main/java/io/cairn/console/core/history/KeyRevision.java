package io.cairn.console.core.history;

import io.etcd.jetcd.ByteSequence;

/**
 * One revision of a key. A deletion is a revision with {@code deleted = true}, an empty value and
 * zero create revision, version and lease.
 */
public record KeyRevision(
    long modRevision, long createRevision, long version, ByteSequence value, long lease,
    boolean deleted) {

  static KeyRevision deletion(long revision) {
    return new KeyRevision(revision, 0, 0, ByteSequence.EMPTY, 0, true);
  }
}
