package io.cairn.server.api;

import io.cairn.server.alarm.Alarms;
import io.cairn.server.server.EtcdServer;
import io.cairn.server.server.Versions;
import io.cairn.server.snapshot.KvHasher;
import io.cairn.server.snapshot.SnapshotStreamer;
import io.etcd.jetcd.api.AlarmRequest;
import io.etcd.jetcd.api.AlarmResponse;
import io.etcd.jetcd.api.DefragmentRequest;
import io.etcd.jetcd.api.DefragmentResponse;
import io.etcd.jetcd.api.HashKVRequest;
import io.etcd.jetcd.api.HashKVResponse;
import io.etcd.jetcd.api.HashRequest;
import io.etcd.jetcd.api.HashResponse;
import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.SnapshotRequest;
import io.etcd.jetcd.api.SnapshotResponse;
import java.util.concurrent.Executor;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcd.jetcd.api.StatusRequest;
import io.etcd.jetcd.api.StatusResponse;
import io.grpc.stub.StreamObserver;

/** {@code etcdserverpb.Maintenance}. */
public final class MaintenanceService extends MaintenanceGrpc.MaintenanceImplBase {
  private final EtcdServer server;
  private final SnapshotStreamer snapshots;

  public MaintenanceService(EtcdServer server, Executor snapshotExecutor) {
    this.server = server;
    this.snapshots =
        new SnapshotStreamer(
            server.store().backend(),
            rev -> server.header(ResponseHeader.newBuilder().setRevision(rev).build()),
            snapshotExecutor);
  }

  /** etcd's authMaintenanceServer: these need the root role while auth is enabled. */
  private boolean admin(StreamObserver<?> out) {
    try {
      server.authorizer().checkAdmin();
      return true;
    } catch (RuntimeException e) {
      out.onError(GrpcErrors.toStatus(e));
      return false;
    }
  }

  @Override
  public void snapshot(SnapshotRequest request, StreamObserver<SnapshotResponse> out) {
    if (!admin(out)) {
      return;
    }
    snapshots.snapshot(request, out);
  }

  @Override
  public void alarm(AlarmRequest request, StreamObserver<AlarmResponse> out) {
    if (request.getAction() == AlarmRequest.AlarmAction.GET) {
      out.onNext(AlarmResponse.newBuilder()
          .setHeader(server.header(ResponseHeader.getDefaultInstance()))
          .addAllAlarms(server.alarms().list(request.getAlarmValue()))
          .build());
      out.onCompleted();
      return;
    }
    KvService.reply(server.alarm(request), AlarmResponse.class, out,
        r -> r.toBuilder().setHeader(server.header(r.getHeader())).build());
  }

  @Override
  public void defragment(DefragmentRequest request, StreamObserver<DefragmentResponse> out) {
    if (!admin(out)) {
      return;
    }
    KvService.reply(server.defragment(), DefragmentResponse.class, out, r -> r);
  }

  @Override
  public void hash(HashRequest request, StreamObserver<HashResponse> out) {
    if (!admin(out)) {
      return;
    }
    try {
      out.onNext(KvHasher.hash(server.store().backend())
          .toResponse(server.header(ResponseHeader.getDefaultInstance())));
      out.onCompleted();
    } catch (RuntimeException e) {
      out.onError(GrpcErrors.toStatus(e));
    }
  }

  @Override
  public void hashKV(HashKVRequest request, StreamObserver<HashKVResponse> out) {
    if (!admin(out)) {
      return;
    }
    try {
      out.onNext(KvHasher.hashKv(server.store().backend(), request.getRevision())
          .toResponse(server.header(ResponseHeader.getDefaultInstance())));
      out.onCompleted();
    } catch (RuntimeException e) {
      out.onError(GrpcErrors.toStatus(e));
    }
  }

  @Override
  public void moveLeader(
      io.etcd.jetcd.api.MoveLeaderRequest request,
      StreamObserver<io.etcd.jetcd.api.MoveLeaderResponse> out) {
    server.moveLeader(request.getTargetID()).whenComplete((v, e) -> {
      if (e != null) {
        out.onError(GrpcErrors.toStatus(e));
      } else {
        out.onNext(io.etcd.jetcd.api.MoveLeaderResponse.newBuilder()
            .setHeader(server.header(ResponseHeader.getDefaultInstance())).build());
        out.onCompleted();
      }
    });
  }

  @Override
  public void status(StatusRequest request, StreamObserver<StatusResponse> out) {
    out.onNext(status(server));
    out.onCompleted();
  }

  /** The Status answer, also used by the HTTP gateway. */
  public static StatusResponse status(EtcdServer server) {
    return StatusResponse.newBuilder()
        .setHeader(server.header(ResponseHeader.getDefaultInstance()))
        .setVersion(Versions.ETCD_SERVER)
        .setDbSize(server.store().backend().fileSizeBytes())
        .setDbSizeInUse(server.store().backend().inUseBytes())
        .setLeader(server.leader())
        .setRaftIndex(Math.max(server.raftStatus().hardState().commit(), server.appliedIndex()))
        .setRaftTerm(server.term())
        .setRaftAppliedIndex(server.appliedIndex())
        .setIsLearner(server.isLearner())
        .addAllErrors(
            server.alarms().list(0).stream().map(Alarms::describe).toList())
        .build();
  }
}
