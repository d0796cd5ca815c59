package io.cairn.server.mvcc;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.KeyValue;
import java.util.List;

/**
 * What an etcd transaction runs against: reads at one revision, and (when writable) puts and
 * deletes that all get the next revision.
 */
public interface TxnView extends RangeReader {
  /** The revision reads see: the store's revision, plus one once this view has written. */
  long currentRevision();

  /** The revision writes through this view get. */
  long revision();

  long compactRevision();

  /** Writes a key; returns its previous live value or null. */
  KeyValue put(ByteString key, ByteString value, long lease);

  /** Deletes the live keys in a range; returns them. */
  List<KeyValue> deleteRange(KeyRange range);
}
