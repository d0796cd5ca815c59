package io.cairn.console.core.keys;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;

/**
 * A key with its metadata. {@code value} is empty when the key was read with {@code keys_only} (the
 * flat {@link KeyspaceBrowser#list list}); {@code lease} is 0 without a lease.
 */
public record KeyDetails(
    ByteSequence key, ByteSequence value, long createRevision, long modRevision, long version,
    long lease) {

  static KeyDetails of(KeyValue kv) {
    return new KeyDetails(kv.getKey(), kv.getValue(), kv.getCreateRevision(), kv.getModRevision(),
        kv.getVersion(), kv.getLease());
  }
}
