package io.cairn.server.apply;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import io.etcd.jetcd.api.CompactionRequest;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.TxnRequest;
import java.util.Arrays;

/**
 * A state-machine command as it travels through the log: one kind byte followed by the request
 * protobuf of etcd's API. Every change to a member's state is one of these, so replaying the log
 * replays the state.
 */
public record Command(Kind kind, byte[] payload) {

  /** The kinds of command. The byte values are on disk: never renumber. */
  public enum Kind {
    PUT(1),
    DELETE_RANGE(2),
    TXN(3),
    COMPACTION(4),
    /** Written by a new leader; changes nothing but commits the term. */
    NOOP(5),
    LEASE_GRANT(6),
    LEASE_REVOKE(7),
    ALARM(8),
    AUTH_ENABLE(9),
    AUTH_DISABLE(10),
    AUTHENTICATE(11),
    USER_ADD(12),
    USER_DELETE(13),
    USER_CHANGE_PASSWORD(14),
    USER_GRANT_ROLE(15),
    USER_REVOKE_ROLE(16),
    ROLE_ADD(17),
    ROLE_DELETE(18),
    ROLE_GRANT_PERMISSION(19),
    ROLE_REVOKE_PERMISSION(20),
    /** A member publishes its name and client URLs (an {@code etcdserverpb.Member}). */
    MEMBER_ATTRIBUTES(21),
    /** {@code MemberUpdate}: a member's new peer URLs. */
    MEMBER_UPDATE(22);

    final byte code;

    Kind(int code) {
      this.code = (byte) code;
    }

    static Kind of(byte code) {
      for (Kind k : values()) {
        if (k.code == code) {
          return k;
        }
      }
      throw new IllegalArgumentException("unknown command kind " + code);
    }
  }

  public static Command put(PutRequest r) {
    return new Command(Kind.PUT, r.toByteArray());
  }

  public static Command deleteRange(DeleteRangeRequest r) {
    return new Command(Kind.DELETE_RANGE, r.toByteArray());
  }

  public static Command txn(TxnRequest r) {
    return new Command(Kind.TXN, r.toByteArray());
  }

  public static Command compaction(CompactionRequest r) {
    return new Command(Kind.COMPACTION, r.toByteArray());
  }

  public static Command of(Kind kind, MessageLite m) {
    return new Command(kind, m.toByteArray());
  }

  public byte[] encode() {
    byte[] out = new byte[payload.length + 1];
    out[0] = kind.code;
    System.arraycopy(payload, 0, out, 1, payload.length);
    return out;
  }

  public static Command decode(byte[] data) {
    return new Command(Kind.of(data[0]), Arrays.copyOfRange(data, 1, data.length));
  }

  /** Size on the wire, as etcd compares it with {@code --max-request-bytes}. */
  public int size() {
    return payload.length + 1;
  }

  PutRequest asPut() throws InvalidProtocolBufferException {
    return PutRequest.parseFrom(payload);
  }

  DeleteRangeRequest asDeleteRange() throws InvalidProtocolBufferException {
    return DeleteRangeRequest.parseFrom(payload);
  }

  TxnRequest asTxn() throws InvalidProtocolBufferException {
    return TxnRequest.parseFrom(payload);
  }

  CompactionRequest asCompaction() throws InvalidProtocolBufferException {
    return CompactionRequest.parseFrom(payload);
  }
}
