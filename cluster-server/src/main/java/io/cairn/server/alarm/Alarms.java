package io.cairn.server.alarm;

import io.etcd.jetcd.api.AlarmMember;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.lmdbjava.CursorIterable;
import org.lmdbjava.Dbi;
import org.lmdbjava.Txn;

/**
 * The cluster's raised alarms (etcd's NOSPACE and CORRUPT), per member. Raised and disarmed only
 * by applied commands, persisted in the {@code alarm} database (key: 8-byte member ID and 4-byte
 * alarm type, value empty) so they survive restarts, as etcd's do.
 */
public final class Alarms {
  /** etcd's {@code AlarmType} numbers. */
  public static final int NOSPACE = 1;

  public static final int CORRUPT = 2;

  private record Raised(long member, int type) {}

  private final Supplier<Dbi<byte[]>> db;
  private final Set<Raised> raised = ConcurrentHashMap.newKeySet();

  public Alarms(Supplier<Dbi<byte[]>> db, Txn<byte[]> readTxn) {
    this.db = db;
    reload(readTxn);
  }

  /** Reads the raised alarms again (after a snapshot from the leader replaced them). */
  public void reload(Txn<byte[]> readTxn) {
    raised.clear();
    try (CursorIterable<byte[]> rows = db.get().iterate(readTxn)) {
      for (CursorIterable.KeyVal<byte[]> row : rows) {
        ByteBuffer k = ByteBuffer.wrap(row.key());
        raised.add(new Raised(k.getLong(), k.getInt()));
      }
    }
  }

  public boolean any() {
    return !raised.isEmpty();
  }

  public boolean has(int type) {
    return raised.stream().anyMatch(r -> r.type() == type);
  }

  /** Raises an alarm; true when it was not raised before. Apply thread. */
  public boolean activate(Txn<byte[]> txn, long member, int type) {
    if (!raised.add(new Raised(member, type))) {
      return false;
    }
    db.get().put(txn, key(member, type), new byte[0]);
    return true;
  }

  /** Disarms an alarm; true when it was raised. Apply thread. */
  public boolean deactivate(Txn<byte[]> txn, long member, int type) {
    if (!raised.remove(new Raised(member, type))) {
      return false;
    }
    db.get().delete(txn, key(member, type));
    return true;
  }

  /** The raised alarms, optionally only of one type (0 = all). */
  public List<AlarmMember> list(int type) {
    List<AlarmMember> out = new ArrayList<>();
    for (Raised r : raised) {
      if (type == 0 || r.type() == type) {
        out.add(member(r.member(), r.type()));
      }
    }
    out.sort((a, b) -> Long.compareUnsigned(a.getMemberID(), b.getMemberID()));
    return out;
  }

  public static AlarmMember member(long member, int type) {
    return AlarmMember.newBuilder().setMemberID(member).setAlarmValue(type).build();
  }

  /** etcd's rendering of an alarm in Status errors and logs. */
  public static String describe(AlarmMember a) {
    String name = switch (a.getAlarmValue()) {
      case NOSPACE -> "NOSPACE";
      case CORRUPT -> "CORRUPT";
      default -> "NONE";
    };
    return "memberID:" + Long.toUnsignedString(a.getMemberID()) + " alarm:" + name + " ";
  }

  private static byte[] key(long member, int type) {
    return ByteBuffer.allocate(12).putLong(member).putInt(type).array();
  }
}
