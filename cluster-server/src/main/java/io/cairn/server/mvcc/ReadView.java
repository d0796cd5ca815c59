package io.cairn.server.mvcc;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.KeyValue;
import java.util.List;
import io.cairn.server.storage.Backend;
import org.lmdbjava.Txn;

/**
 * A read-only view pinned at one revision over one LMDB read transaction, so that every read of
 * a read-only etcd transaction sees the same state. Close it promptly: it holds an LMDB reader.
 */
public final class ReadView implements TxnView, AutoCloseable {
  private final MvccStore store;
  private final Backend.Read read;
  private final Txn<byte[]> txn;
  private final long revision;

  ReadView(MvccStore store, Backend.Read read, long revision) {
    this.store = store;
    this.read = read;
    this.txn = read.txn();
    this.revision = revision;
  }

  @Override
  public RangeResult range(KeyRange range, long rev, long limit, boolean countOnly) {
    return store.rangeIn(txn, range, rev, limit, countOnly, revision);
  }

  @Override
  public long currentRevision() {
    return revision;
  }

  @Override
  public long revision() {
    return revision;
  }

  @Override
  public long compactRevision() {
    return store.compactRevision();
  }

  @Override
  public KeyValue put(ByteString key, ByteString value, long lease) {
    throw new IllegalStateException("read-only view");
  }

  @Override
  public List<KeyValue> deleteRange(KeyRange range) {
    throw new IllegalStateException("read-only view");
  }

  @Override
  public void close() {
    read.close();
  }
}
