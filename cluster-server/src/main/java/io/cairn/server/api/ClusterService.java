package io.cairn.server.api;

import io.cairn.server.server.EtcdServer;
import io.etcd.jetcd.api.ClusterGrpc;
import io.etcd.jetcd.api.Member;
import io.etcd.jetcd.api.MemberAddRequest;
import io.etcd.jetcd.api.MemberAddResponse;
import io.etcd.jetcd.api.MemberListRequest;
import io.etcd.jetcd.api.MemberListResponse;
import io.etcd.jetcd.api.MemberPromoteRequest;
import io.etcd.jetcd.api.MemberPromoteResponse;
import io.etcd.jetcd.api.MemberRemoveRequest;
import io.etcd.jetcd.api.MemberRemoveResponse;
import io.etcd.jetcd.api.MemberUpdateRequest;
import io.etcd.jetcd.api.MemberUpdateResponse;
import io.etcd.jetcd.api.ResponseHeader;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * {@code etcdserverpb.Cluster}: the member list, and membership changes through the log. Like
 * etcd's, these answers carry no revision: membership is not part of the keyspace.
 */
public final class ClusterService extends ClusterGrpc.ClusterImplBase {
  /** etcd 3.5's {@code MemberListRequest.linearizable}, newer than the generated classes. */
  private static final int LINEARIZABLE_FIELD = 1;

  private final EtcdServer server;

  public ClusterService(EtcdServer server) {
    this.server = server;
  }

  private ResponseHeader header() {
    return server.header(ResponseHeader.getDefaultInstance()).toBuilder().clearRevision().build();
  }

  @Override
  public void memberList(MemberListRequest request, StreamObserver<MemberListResponse> out) {
    var linearizable = request.getUnknownFields().getField(LINEARIZABLE_FIELD);
    CompletableFuture<Void> ready = linearizable != null
        && !linearizable.getVarintList().isEmpty() && linearizable.getVarintList().get(0) != 0
        ? server.readBarrier() : CompletableFuture.completedFuture(null);
    answer(ready.thenApply(v -> server.members()), out,
        list -> MemberListResponse.newBuilder().setHeader(header()).addAllMembers(list).build());
  }

  @Override
  public void memberAdd(MemberAddRequest request, StreamObserver<MemberAddResponse> out) {
    answer(server.memberAdd(request.getPeerURLsList(), request.getIsLearner()), out,
        r -> r.toBuilder().setHeader(header()).build());
  }

  @Override
  public void memberRemove(MemberRemoveRequest request, StreamObserver<MemberRemoveResponse> out) {
    answer(server.memberRemove(request.getID()), out,
        list -> MemberRemoveResponse.newBuilder().setHeader(header()).addAllMembers(list).build());
  }

  @Override
  public void memberUpdate(MemberUpdateRequest request, StreamObserver<MemberUpdateResponse> out) {
    answer(server.memberUpdate(request.getID(), request.getPeerURLsList()), out,
        list -> MemberUpdateResponse.newBuilder().setHeader(header()).addAllMembers(list).build());
  }

  @Override
  public void memberPromote(
      MemberPromoteRequest request, StreamObserver<MemberPromoteResponse> out) {
    answer(server.memberPromote(request.getID()), out,
        list -> MemberPromoteResponse.newBuilder().setHeader(header()).addAllMembers(list).build());
  }

  private static <T, R> void answer(
      CompletableFuture<T> f, StreamObserver<R> out, Function<T, R> build) {
    f.whenComplete((v, e) -> {
      if (e != null) {
        out.onError(GrpcErrors.toStatus(e));
      } else {
        out.onNext(build.apply(v));
        out.onCompleted();
      }
    });
  }

}
