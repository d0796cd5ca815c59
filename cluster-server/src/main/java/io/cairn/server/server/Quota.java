package io.cairn.server.server;

import io.cairn.server.alarm.Alarms;
import io.cairn.server.apply.Command;
import io.cairn.server.apply.RequestChecks;
import io.cairn.server.mvcc.WriteBatch;
import io.cairn.server.storage.Backend;
import io.etcd.jetcd.api.AlarmMember;
import io.etcd.jetcd.api.AlarmRequest;
import io.etcd.jetcd.api.AlarmResponse;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcd.jetcd.api.TxnRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * etcd's space quota ({@code --quota-backend-bytes}): a request that would grow the database past
 * the quota raises the NOSPACE alarm, and while it is raised every request that adds data (put,
 * a transaction that writes, lease grant) is refused with {@code mvcc: database space exceeded}.
 * Deletes, compaction and defragmentation keep working, so space can be freed; then the alarm is
 * disarmed ({@code etcdctl alarm disarm}).
 */
final class Quota {
  private static final Logger log = LoggerFactory.getLogger(Quota.class);
  /** etcd's estimate of the bookkeeping a key costs beyond its bytes. */
  private static final long KV_OVERHEAD = 256;

  private final Backend backend;
  private final Alarms alarms;
  private final long quotaBytes;
  private final long memberId;

  Quota(Backend backend, Alarms alarms, long quotaBytes, long memberId) {
    this.backend = backend;
    this.alarms = alarms;
    this.quotaBytes = quotaBytes;
    this.memberId = memberId;
  }

  /** Whether {@code cmd} must be refused for lack of space; raises the alarm when it first is. */
  boolean refuses(WriteBatch batch, Command cmd) throws com.google.protobuf.InvalidProtocolBufferException {
    if (!addsData(cmd)) {
      return false;
    }
    if (alarms.has(Alarms.NOSPACE)) {
      return true;
    }
    if (quotaBytes > 0 && backend.fileSizeBytes() + cmd.size() + KV_OVERHEAD > quotaBytes) {
      if (alarms.activate(batch.txn(), memberId, Alarms.NOSPACE)) {
        log.atWarn()
            .addKeyValue("quota-size-bytes", quotaBytes)
            .addKeyValue("current-db-size-bytes", backend.fileSizeBytes())
            .log("database space exceeded; raised alarm NOSPACE");
      }
      return true;
    }
    return false;
  }

  private static boolean addsData(Command cmd) throws com.google.protobuf.InvalidProtocolBufferException {
    return switch (cmd.kind()) {
      case PUT, LEASE_GRANT -> true;
      case TXN -> !RequestChecks.isReadOnly(TxnRequest.parseFrom(cmd.payload()));
      default -> false;
    };
  }

  /** Applies {@code Maintenance.Alarm}'s activate and deactivate. */
  AlarmResponse alarm(WriteBatch batch, AlarmRequest r) {
    AlarmResponse.Builder resp =
        AlarmResponse.newBuilder().setHeader(ResponseHeader.newBuilder()
            .setRevision(batch.currentRevision()));
    AlarmMember m = Alarms.member(r.getMemberID(), r.getAlarmValue());
    switch (r.getAction()) {
      case ACTIVATE -> {
        if (r.getAlarmValue() != 0) {
          alarms.activate(batch.txn(), r.getMemberID(), r.getAlarmValue());
          resp.addAlarms(m);
        }
      }
      case DEACTIVATE -> {
        if (alarms.deactivate(batch.txn(), r.getMemberID(), r.getAlarmValue())) {
          resp.addAlarms(m);
          log.atInfo().addKeyValue("alarm", Alarms.describe(m)).log("disarmed alarm");
        }
      }
      default -> resp.addAllAlarms(alarms.list(r.getAlarmValue()));
    }
    return resp.build();
  }
}
