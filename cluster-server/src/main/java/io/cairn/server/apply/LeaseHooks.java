package io.cairn.server.apply;

import com.google.protobuf.ByteString;

/** What the KV applier needs of leases: existence, and the key attachments it changes. */
public interface LeaseHooks {
  boolean exists(long lease);

  /** {@code key} was written with {@code lease} (0 = none). */
  void attach(long lease, ByteString key);

  /** {@code key} no longer belongs to {@code lease} (0 = none). */
  void detach(long lease, ByteString key);
}
