package io.cairn.server.mvcc;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.KeyValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.lmdbjava.Txn;

/**
 * The writes of one request (a put, a delete, or a whole etcd transaction). They share one main
 * revision, {@code begin + 1}, with increasing sub-revisions; if nothing is written the revision
 * does not move. Reads through this object see its own earlier writes, as etcd's do.
 */
public final class WriteTxn implements TxnView {
  private final MvccStore store;
  private final Txn<byte[]> txn;
  private final long beginRevision;
  private long sub;
  private final List<Event> events = new ArrayList<>();

  WriteTxn(MvccStore store, Txn<byte[]> txn) {
    this.store = store;
    this.txn = txn;
    this.beginRevision = store.writerRevision();
  }

  @Override
  public long compactRevision() {
    return store.writerCompactRevision();
  }

  /** The revision this request's writes get. */
  @Override
  public long revision() {
    return beginRevision + 1;
  }

  /** The revision the store is at as this request sees it. */
  @Override
  public long currentRevision() {
    return sub > 0 ? beginRevision + 1 : beginRevision;
  }

  public boolean changed() {
    return sub > 0;
  }

  @Override
  public RangeResult range(KeyRange range, long rev, long limit, boolean countOnly) {
    return store.rangeIn(
        txn, range, rev, limit, countOnly, currentRevision(), store.writerCompactRevision());
  }

  /**
   * Writes {@code key}; returns the previous live key-value, or null when the key did not exist.
   */
  @Override
  public KeyValue put(ByteString key, ByteString value, long lease) {
    long rev = revision();
    KeyHistory h = store.index().getOrCreate(key);
    KeyHistory.Snapshot s = h.snapshot();
    int last = s.size() - 1;
    KeyValue prev = null;
    long created = rev;
    long version = 1;
    if (last >= 0 && !s.tombstone(last)) {
      prev = readRow(s.main(last), s.sub(last));
      created = s.created(last);
      version = s.version(last) + 1;
    }
    KeyValue kv =
        KeyValue.newBuilder()
            .setKey(key)
            .setValue(value)
            .setCreateRevision(created)
            .setModRevision(rev)
            .setVersion(version)
            .setLease(lease)
            .build();
    store.backend().kv().put(txn, RevisionKeys.encode(rev, sub, false), kv.toByteArray());
    h.append(rev, sub, false, created, version);
    Event.Builder e = Event.newBuilder().setType(Event.EventType.PUT).setKv(kv);
    if (prev != null) {
      e.setPrevKv(prev);
    }
    events.add(e.build());
    sub++;
    store.advanceWriterRevision(rev);
    return prev;
  }

  /** Deletes every live key in {@code range}; returns what was deleted, ascending by key. */
  @Override
  public List<KeyValue> deleteRange(KeyRange range) {
    long rev = revision();
    List<KeyValue> deleted = new ArrayList<>();
    // Collect first: appending while iterating the index is safe, but keeps the loop obvious.
    List<Map.Entry<ByteString, KeyHistory>> live = new ArrayList<>();
    for (Map.Entry<ByteString, KeyHistory> e : store.index().range(range)) {
      KeyHistory.Snapshot s = e.getValue().snapshot();
      int last = s.size() - 1;
      if (last >= 0 && !s.tombstone(last)) {
        live.add(e);
      }
    }
    for (Map.Entry<ByteString, KeyHistory> e : live) {
      KeyHistory h = e.getValue();
      KeyHistory.Snapshot s = h.snapshot();
      int last = s.size() - 1;
      KeyValue prev = readRow(s.main(last), s.sub(last));
      deleted.add(prev);
      KeyValue tomb = KeyValue.newBuilder().setKey(e.getKey()).setModRevision(rev).build();
      events.add(
          Event.newBuilder().setType(Event.EventType.DELETE).setKv(tomb).setPrevKv(prev).build());
      store.backend().kv().put(txn, RevisionKeys.encode(rev, sub, true), tomb.toByteArray());
      h.append(rev, sub, true, 0, 0);
      sub++;
    }
    if (!deleted.isEmpty()) {
      store.advanceWriterRevision(rev);
    }
    return deleted;
  }

  /** The changes this request made, in order, each with its previous key-value. */
  public List<Event> events() {
    return events;
  }

  private KeyValue readRow(long main, long rowSub) {
    byte[] row = store.backend().kv().get(txn, RevisionKeys.encode(main, rowSub, false));
    if (row == null) {
      throw new IllegalStateException("index points at a missing row " + main + "/" + rowSub);
    }
    return MvccStore.parse(row);
  }
}
