package io.cairn.server.cluster;

import com.google.protobuf.InvalidProtocolBufferException;
import io.cairn.server.storage.Backend;
import io.cairn.server.storage.Schema;
import io.etcd.jetcd.api.Member;
import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.lmdbjava.CursorIterable;
import org.lmdbjava.Txn;

/**
 * The cluster's members as the applied log says they are: IDs, names, peer and client URLs and
 * learner flags, plus the IDs of removed members (which may never come back). Changed only by
 * applying committed entries, inside the apply transaction; read from any thread through an
 * immutable copy.
 */
public final class MemberTable {
  private final Backend backend;
  private volatile Map<Long, Member> members = Map.of();
  private volatile Set<Long> removed = Set.of();

  /** Opens the tables; call before any transaction is open on this thread. */
  public MemberTable(Backend backend) {
    this.backend = backend;
    backend.openDb(Schema.MEMBERS);
    backend.openDb(Schema.MEMBERS_REMOVED);
  }

  /** Reads the tables (start-up, and after a snapshot replaced the data). */
  public void load(Txn<byte[]> txn) {
    Map<Long, Member> m = new TreeMap<>(Long::compareUnsigned);
    try (CursorIterable<byte[]> rows = backend.db(Schema.MEMBERS).iterate(txn)) {
      for (CursorIterable.KeyVal<byte[]> row : rows) {
        try {
          Member member = Member.parseFrom(row.val());
          m.put(member.getID(), member);
        } catch (InvalidProtocolBufferException e) {
          throw new IllegalStateException("corrupt member row", e);
        }
      }
    }
    Set<Long> r = new HashSet<>();
    try (CursorIterable<byte[]> rows = backend.db(Schema.MEMBERS_REMOVED).iterate(txn)) {
      for (CursorIterable.KeyVal<byte[]> row : rows) {
        r.add(ByteBuffer.wrap(row.key()).getLong());
      }
    }
    members = Collections.unmodifiableMap(m);
    removed = Set.copyOf(r);
  }

  /** Members in ID order (unsigned, as etcd prints them). */
  public List<Member> list() {
    return List.copyOf(members.values());
  }

  public Member get(long id) {
    return members.get(id);
  }

  public boolean contains(long id) {
    return members.containsKey(id);
  }

  public boolean isRemoved(long id) {
    return removed.contains(id);
  }

  public int size() {
    return members.size();
  }

  /** Adds or replaces a member. */
  public void put(Txn<byte[]> txn, Member m) {
    backend.db(Schema.MEMBERS).put(txn, key(m.getID()), m.toByteArray());
    Map<Long, Member> next = new TreeMap<>(Long::compareUnsigned);
    next.putAll(members);
    next.put(m.getID(), m);
    members = Collections.unmodifiableMap(next);
  }

  /** Removes a member for good: its ID is remembered so that it is refused from now on. */
  public void remove(Txn<byte[]> txn, long id) {
    backend.db(Schema.MEMBERS).delete(txn, key(id));
    backend.db(Schema.MEMBERS_REMOVED).put(txn, key(id), new byte[0]);
    Map<Long, Member> next = new TreeMap<>(Long::compareUnsigned);
    next.putAll(members);
    next.remove(id);
    members = Collections.unmodifiableMap(next);
    Set<Long> r = new HashSet<>(removed);
    r.add(id);
    removed = Set.copyOf(r);
  }

  private static byte[] key(long id) {
    return ByteBuffer.allocate(8).putLong(id).array();
  }
}
