package io.cairn.server.storage;

import java.nio.charset.StandardCharsets;

/** Every named LMDB database and every meta key in one place. */
public final class Schema {
  private Schema() {}

  /** Small member-wide values (8-byte big-endian longs unless noted). */
  public static final String META = "meta";
  /** MVCC rows: revision key → {@code mvccpb.KeyValue}. */
  public static final String KEY = "key";

  public static final byte[] CONSISTENT_INDEX = bytes("consistent_index");
  public static final byte[] CURRENT_REVISION = bytes("current_revision");
  public static final byte[] SCHEDULED_COMPACT = bytes("scheduled_compact_rev");
  public static final byte[] FINISHED_COMPACT = bytes("finished_compact_rev");
  public static final byte[] CLUSTER_ID = bytes("cluster_id");
  public static final byte[] MEMBER_ID = bytes("member_id");
  public static final byte[] TERM = bytes("term");

  /** Leases: 8-byte big-endian ID → 8-byte granted TTL in seconds. */
  public static final String LEASE = "lease";

  /** Raised alarms: 8-byte member ID + 4-byte alarm type → empty. */
  public static final String ALARM = "alarm";

  /** Auth flags: {@code authEnabled} (1 byte), {@code authRevision} (8-byte big-endian). */
  public static final String AUTH = "auth";

  /** Auth users: name → {@code authpb.User} (bcrypt hash; options as field 4). */
  public static final String AUTH_USERS = "auth_users";

  /** Auth roles: name → {@code authpb.Role}. */
  public static final String AUTH_ROLES = "auth_roles";

  /** Cluster members: 8-byte big-endian member ID → etcd's {@code etcdserverpb.Member}. */
  public static final String MEMBERS = "members";

  /** IDs of members removed from the cluster (they may never rejoin): 8-byte ID → empty. */
  public static final String MEMBERS_REMOVED = "members_removed";

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
