package io.cairn.server.api;

import io.cairn.server.server.EtcdServer;
import io.cairn.server.server.Versions;
import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcd.jetcd.api.StatusRequest;
import io.etcd.jetcd.api.StatusResponse;
import io.grpc.stub.StreamObserver;

/** {@code etcdserverpb.Maintenance}. */
public final class MaintenanceService extends MaintenanceGrpc.MaintenanceImplBase {
  private final EtcdServer server;

  public MaintenanceService(EtcdServer server) {
    this.server = server;
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
        .setLeader(server.memberId())
        .setRaftIndex(server.appliedIndex())
        .setRaftTerm(server.term())
        .setRaftAppliedIndex(server.appliedIndex())
        .setIsLearner(false)
        .build();
  }
}
