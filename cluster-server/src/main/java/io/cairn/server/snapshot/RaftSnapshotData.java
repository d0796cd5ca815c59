package io.cairn.server.snapshot;

import io.cairn.server.raft.ConfState;
import io.cairn.server.raft.SnapshotMeta;
import io.cairn.server.storage.Backend;
import io.cairn.server.storage.RaftLogStore;
import io.cairn.server.storage.Schema;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.lmdbjava.CursorIterable;
import org.lmdbjava.Dbi;
import org.lmdbjava.Txn;

/**
 * The state a leader sends a follower that has fallen behind its compacted log: every row of the
 * replicated databases, read in one LMDB read transaction, so the image is exactly the state at
 * that transaction's consistent index. The Raft position of the image (index, term, membership)
 * comes from the same transaction, so it cannot disagree with the rows.
 *
 * <p>Stream format: {@code magic "CRSNAP1\n"}, then records {@code db-name-length (1) | db name
 * | key-length (4) | key | value-length (4) | value}, ended by a record with an empty db name.
 * Member-specific rows (this member's ID, its Raft log and hard state) are left out.
 */
public final class RaftSnapshotData {
  private static final byte[] MAGIC = "CRSNAP1\n".getBytes(StandardCharsets.US_ASCII);
  /** Replicated databases, besides the meta rows. */
  private static final List<String> DATABASES = List.of(Schema.KEY, Schema.LEASE, Schema.ALARM,
      Schema.AUTH, Schema.AUTH_USERS, Schema.AUTH_ROLES, Schema.MEMBERS, Schema.MEMBERS_REMOVED);

  private RaftSnapshotData() {}

  /**
   * Writes the image and returns its Raft position. {@code termAt} gives the term of the entry at
   * an index (the log is read in the same transaction).
   */
  public static SnapshotMeta write(Backend backend, RaftLogStore log, DataOutputStream out)
      throws IOException {
    try (Backend.Read r = backend.read()) {
      Txn<byte[]> txn = r.txn();
      long index = backend.getLong(txn, Schema.CONSISTENT_INDEX, 0);
      long term = log.termAt(txn, index);
      ConfState cs = log.confState(txn);
      out.write(MAGIC);
      for (String name : DATABASES) {
        copyOut(name, dbi(backend, name), txn, out);
      }
      copyOut(Schema.META, backend.meta(), txn, out);
      out.writeByte(0);
      out.flush();
      return new SnapshotMeta(index, term, cs);
    }
  }

  private static void copyOut(String name, Dbi<byte[]> db, Txn<byte[]> txn, DataOutputStream out)
      throws IOException {
    byte[] n = name.getBytes(StandardCharsets.US_ASCII);
    try (CursorIterable<byte[]> rows = db.iterate(txn)) {
      for (CursorIterable.KeyVal<byte[]> row : rows) {
        if (name.equals(Schema.META) && !replicatedMeta(row.key())) {
          continue;
        }
        out.writeByte(n.length);
        out.write(n);
        out.writeInt(row.key().length);
        out.write(row.key());
        out.writeInt(row.val().length);
        out.write(row.val());
      }
    }
  }

  /**
   * Replaces this member's replicated state with the image, inside {@code txn}: every replicated
   * database is emptied and refilled; the member's own ID and Raft state stay.
   */
  public static void install(Backend backend, Txn<byte[]> txn, DataInputStream in)
      throws IOException {
    byte[] magic = in.readNBytes(MAGIC.length);
    if (!Arrays.equals(magic, MAGIC)) {
      throw new IOException("not a Raft snapshot image");
    }
    for (String name : DATABASES) {
      dbi(backend, name).drop(txn, false);
    }
    List<byte[]> metaKeys = new ArrayList<>();
    try (CursorIterable<byte[]> rows = backend.meta().iterate(txn)) {
      for (CursorIterable.KeyVal<byte[]> row : rows) {
        if (replicatedMeta(row.key())) {
          metaKeys.add(row.key());
        }
      }
    }
    for (byte[] k : metaKeys) {
      backend.meta().delete(txn, k);
    }
    while (true) {
      int len = in.readUnsignedByte();
      if (len == 0) {
        return;
      }
      String name = new String(in.readNBytes(len), StandardCharsets.US_ASCII);
      byte[] key = readBlock(in);
      byte[] value = readBlock(in);
      Dbi<byte[]> db = name.equals(Schema.META) ? backend.meta() : dbi(backend, name);
      db.put(txn, key, value);
    }
  }

  private static byte[] readBlock(DataInputStream in) throws IOException {
    int n = in.readInt();
    byte[] b = in.readNBytes(n);
    if (b.length != n) {
      throw new EOFException("truncated Raft snapshot image");
    }
    return b;
  }

  private static boolean replicatedMeta(byte[] key) {
    if (Arrays.equals(key, Schema.MEMBER_ID) || Arrays.equals(key, Schema.TERM)) {
      return false;
    }
    for (byte[] k : RaftLogStore.META_KEYS) {
      if (Arrays.equals(k, key)) {
        return false;
      }
    }
    return true;
  }

  private static Dbi<byte[]> dbi(Backend backend, String name) {
    return name.equals(Schema.KEY) ? backend.kv() : backend.db(name);
  }
}
