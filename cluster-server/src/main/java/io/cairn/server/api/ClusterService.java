package io.cairn.server.api;

import io.cairn.server.server.EtcdServer;
import io.etcd.jetcd.api.ClusterGrpc;
import io.etcd.jetcd.api.Member;
import io.etcd.jetcd.api.MemberListRequest;
import io.etcd.jetcd.api.MemberListResponse;
import io.etcd.jetcd.api.ResponseHeader;
import io.grpc.stub.StreamObserver;

/** {@code etcdserverpb.Cluster}. Membership changes arrive with the replicated cluster. */
public final class ClusterService extends ClusterGrpc.ClusterImplBase {
  private final EtcdServer server;

  public ClusterService(EtcdServer server) {
    this.server = server;
  }

  @Override
  public void memberList(MemberListRequest request, StreamObserver<MemberListResponse> out) {
    MemberListResponse.Builder b =
        MemberListResponse.newBuilder()
            // etcd's membership answers carry no revision: they are not part of the keyspace.
            .setHeader(server.header(ResponseHeader.getDefaultInstance()).toBuilder()
                .clearRevision().build());
    for (Member m : server.members()) {
      b.addMembers(m);
    }
    out.onNext(b.build());
    out.onCompleted();
  }
}
