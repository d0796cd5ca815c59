package io.cairn.server.storage;

import io.cairn.server.raft.ConfState;
import io.cairn.server.raft.Entry;
import io.cairn.server.raft.EntryType;
import io.cairn.server.raft.HardState;
import io.cairn.server.raft.MemoryStorage;
import io.cairn.server.raft.Snapshot;
import io.cairn.server.raft.SnapshotMeta;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.lmdbjava.CursorIterable;
import org.lmdbjava.Dbi;
import org.lmdbjava.KeyRange;
import org.lmdbjava.Txn;

/**
 * The Raft log, hard state, membership and snapshot point, persisted in the member's LMDB
 * environment next to the data. Writes happen in the driver's transaction, so the entries of a
 * batch, its hard state and (for an applied batch) its data become durable together. At start-up
 * {@link #load()} reads everything into a {@link MemoryStorage}, which is what the consensus core
 * reads from; the driver keeps both in step.
 *
 * <p>Layout: database {@code raft_log} maps the 8-byte big-endian index to {@code term (8) |
 * type (1) | data}; meta keys {@code raft_hard_state} ({@code term | vote | commit}), {@code
 * raft_conf_state} and {@code raft_snapshot} ({@code index | term | conf state}), where a conf
 * state is {@code count | ids... | count | ids...} (voters, then learners).
 */
public final class RaftLogStore {
  public static final String LOG_DB = "raft_log";
  private static final byte[] HARD_STATE = ascii("raft_hard_state");
  private static final byte[] CONF_STATE = ascii("raft_conf_state");
  private static final byte[] SNAPSHOT = ascii("raft_snapshot");
  // Entry type codes on disk: never renumber.
  private static final byte DATA_CODE = 0;
  private static final byte CONF_CHANGE_CODE = 1;

  /** The meta keys that hold Raft state (a restore removes them with {@link #LOG_DB}). */
  public static final List<byte[]> META_KEYS = List.of(HARD_STATE, CONF_STATE, SNAPSHOT);

  private final Backend backend;

  /** Opens the log's database; call before any transaction is open on this thread. */
  public RaftLogStore(Backend backend) {
    this.backend = backend;
    backend.openDb(LOG_DB);
  }

  private Dbi<byte[]> log() {
    return backend.db(LOG_DB);
  }

  /** Appends entries, first removing any existing entries at or after the first new index. */
  public void append(Txn<byte[]> txn, List<Entry> entries) {
    if (entries.isEmpty()) {
      return;
    }
    long first = entries.get(0).index();
    List<byte[]> stale = new ArrayList<>();
    try (CursorIterable<byte[]> rows = log().iterate(txn, KeyRange.atLeast(key(first)))) {
      for (CursorIterable.KeyVal<byte[]> row : rows) {
        stale.add(row.key());
      }
    }
    for (byte[] k : stale) {
      log().delete(txn, k);
    }
    for (Entry e : entries) {
      log().put(txn, key(e.index()), encode(e));
    }
  }

  public void setHardState(Txn<byte[]> txn, HardState hs) {
    backend.meta().put(txn, HARD_STATE,
        ByteBuffer.allocate(24).putLong(hs.term()).putLong(hs.vote()).putLong(hs.commit()).array());
  }

  public void setConfState(Txn<byte[]> txn, ConfState cs) {
    backend.meta().put(txn, CONF_STATE, encode(cs));
  }

  /**
   * Records that the log now starts after {@code meta}'s index (a snapshot was taken or
   * installed there) and drops the entries it covers.
   */
  public void setSnapshot(Txn<byte[]> txn, SnapshotMeta meta) {
    byte[] cs = encode(meta.confState());
    backend.meta().put(txn, SNAPSHOT,
        ByteBuffer.allocate(16 + cs.length).putLong(meta.index()).putLong(meta.term()).put(cs)
            .array());
    List<byte[]> covered = new ArrayList<>();
    try (CursorIterable<byte[]> rows = log().iterate(txn, KeyRange.atMost(key(meta.index())))) {
      for (CursorIterable.KeyVal<byte[]> row : rows) {
        covered.add(row.key());
      }
    }
    for (byte[] k : covered) {
      log().delete(txn, k);
    }
  }

  /**
   * The term of the entry at {@code index}, read in {@code txn}: from the log, or from the
   * snapshot point when the entry was compacted exactly there; 0 when unknown.
   */
  public long termAt(Txn<byte[]> txn, long index) {
    byte[] row = log().get(txn, key(index));
    if (row != null) {
      return ByteBuffer.wrap(row).getLong();
    }
    byte[] snap = backend.meta().get(txn, SNAPSHOT);
    if (snap != null) {
      ByteBuffer b = ByteBuffer.wrap(snap);
      if (b.getLong() == index) {
        return b.getLong();
      }
    }
    return 0;
  }

  /** The membership last applied, as of {@code txn}. */
  public ConfState confState(Txn<byte[]> txn) {
    byte[] cs = backend.meta().get(txn, CONF_STATE);
    if (cs != null) {
      return decodeConf(ByteBuffer.wrap(cs));
    }
    byte[] snap = backend.meta().get(txn, SNAPSHOT);
    if (snap != null) {
      ByteBuffer b = ByteBuffer.wrap(snap);
      b.getLong();
      b.getLong();
      return decodeConf(b);
    }
    return ConfState.EMPTY;
  }

  /** Drops every log entry (a snapshot from the leader replaces the whole log). */
  public void clear(Txn<byte[]> txn) {
    log().drop(txn, false);
  }

  /** Everything persisted, as the in-memory storage the core reads. */
  public MemoryStorage load() {
    MemoryStorage s = new MemoryStorage();
    try (Backend.Read r = backend.read()) {
      Txn<byte[]> txn = r.txn();
      byte[] snap = backend.meta().get(txn, SNAPSHOT);
      if (snap != null) {
        ByteBuffer b = ByteBuffer.wrap(snap);
        long index = b.getLong();
        long term = b.getLong();
        s.applySnapshot(new Snapshot(new SnapshotMeta(index, term, decodeConf(b)), null));
      }
      List<Entry> entries = new ArrayList<>();
      try (CursorIterable<byte[]> rows = log().iterate(txn)) {
        for (CursorIterable.KeyVal<byte[]> row : rows) {
          entries.add(decode(ByteBuffer.wrap(row.key()).getLong(), row.val()));
        }
      }
      s.append(entries);
      byte[] hs = backend.meta().get(txn, HARD_STATE);
      if (hs != null) {
        ByteBuffer b = ByteBuffer.wrap(hs);
        s.setHardState(new HardState(b.getLong(), b.getLong(), b.getLong()));
      }
      byte[] cs = backend.meta().get(txn, CONF_STATE);
      if (cs != null) {
        s.setConfState(decodeConf(ByteBuffer.wrap(cs)));
      }
    }
    return s;
  }

  /** Whether this member has any Raft state yet (a fresh data dir has none). */
  public boolean isEmpty() {
    try (Backend.Read r = backend.read()) {
      return backend.meta().get(r.txn(), HARD_STATE) == null
          && backend.meta().get(r.txn(), SNAPSHOT) == null
          && log().stat(r.txn()).entries == 0;
    }
  }

  static byte[] encode(Entry e) {
    return ByteBuffer.allocate(9 + e.data().length)
        .putLong(e.term())
        .put(e.type() == EntryType.CONF_CHANGE ? CONF_CHANGE_CODE : DATA_CODE)
        .put(e.data())
        .array();
  }

  static Entry decode(long index, byte[] v) {
    ByteBuffer b = ByteBuffer.wrap(v);
    long term = b.getLong();
    EntryType type = b.get() == CONF_CHANGE_CODE ? EntryType.CONF_CHANGE : EntryType.DATA;
    byte[] data = new byte[b.remaining()];
    b.get(data);
    return new Entry(term, index, type, data);
  }

  static byte[] encode(ConfState cs) {
    ByteBuffer b = ByteBuffer.allocate(8 + 8 * (cs.voters().size() + cs.learners().size()));
    b.putInt(cs.voters().size());
    cs.voters().forEach(b::putLong);
    b.putInt(cs.learners().size());
    cs.learners().forEach(b::putLong);
    return b.array();
  }

  static ConfState decodeConf(ByteBuffer b) {
    Set<Long> voters = new HashSet<>();
    for (int i = b.getInt(); i > 0; i--) {
      voters.add(b.getLong());
    }
    Set<Long> learners = new HashSet<>();
    for (int i = b.getInt(); i > 0; i--) {
      learners.add(b.getLong());
    }
    return new ConfState(voters, learners);
  }

  private static byte[] key(long index) {
    return ByteBuffer.allocate(8).putLong(index).array();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
