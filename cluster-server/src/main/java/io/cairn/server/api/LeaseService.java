package io.cairn.server.api;

import io.cairn.server.lease.Lease;
import io.cairn.server.lease.Lessor;
import io.cairn.server.server.EtcdServer;
import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.LeaseGrantResponse;
import io.etcd.jetcd.api.LeaseGrpc;
import io.etcd.jetcd.api.LeaseKeepAliveRequest;
import io.etcd.jetcd.api.LeaseKeepAliveResponse;
import io.etcd.jetcd.api.LeaseRevokeRequest;
import io.etcd.jetcd.api.LeaseRevokeResponse;
import io.etcd.jetcd.api.LeaseTimeToLiveRequest;
import io.etcd.jetcd.api.LeaseTimeToLiveResponse;
import io.etcd.jetcd.api.ResponseHeader;
import io.grpc.BindableService;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;

/** {@code etcdserverpb.Lease}, including etcd 3.5's {@code LeaseLeases}. */
public final class LeaseService extends LeaseGrpc.LeaseImplBase {
  private static final String LEASE_SERVICE = "etcdserverpb.Lease";
  private static final MethodDescriptor<byte[], byte[]> LEASE_LEASES =
      MethodDescriptor.<byte[], byte[]>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName("etcdserverpb.Lease/LeaseLeases")
          .setRequestMarshaller(ExtraMessages.RAW)
          .setResponseMarshaller(ExtraMessages.RAW)
          .build();

  private final EtcdServer server;
  private final Lessor lessor;

  public LeaseService(EtcdServer server) {
    this.server = server;
    this.lessor = server.lessor();
  }

  /** The service as registered: the generated methods plus {@code LeaseLeases}. */
  public BindableService withExtras() {
    return () -> {
      ServerServiceDefinition generated = bindService();
      ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(LEASE_SERVICE);
      generated.getMethods().forEach(b::addMethod);
      b.addMethod(LEASE_LEASES, ServerCalls.asyncUnaryCall(this::leaseLeases));
      return b.build();
    };
  }

  @Override
  public void leaseGrant(LeaseGrantRequest request, StreamObserver<LeaseGrantResponse> out) {
    KvService.reply(server.grantLease(request), LeaseGrantResponse.class, out,
        r -> r.toBuilder().setHeader(server.header(r.getHeader())).build());
  }

  @Override
  public void leaseRevoke(LeaseRevokeRequest request, StreamObserver<LeaseRevokeResponse> out) {
    try {
      server.authorizer().checkLeaseRevoke(server.leaseKeys(request.getID()));
    } catch (RuntimeException e) {
      out.onError(GrpcErrors.toStatus(e));
      return;
    }
    KvService.reply(server.revokeLease(request.getID()), LeaseRevokeResponse.class, out,
        r -> r.toBuilder().setHeader(server.header(r.getHeader())).build());
  }

  @Override
  public StreamObserver<LeaseKeepAliveRequest> leaseKeepAlive(
      StreamObserver<LeaseKeepAliveResponse> out) {
    return new StreamObserver<>() {
      @Override
      public void onNext(LeaseKeepAliveRequest r) {
        // The leader keeps lease deadlines: on a follower the renewal goes to it.
        server.renewLease(r.getID()).whenComplete((ttl, e) -> {
          synchronized (out) {
            if (e != null) {
              out.onError(GrpcErrors.toStatus(e));
              return;
            }
            out.onNext(
                LeaseKeepAliveResponse.newBuilder()
                    .setHeader(server.header(ResponseHeader.getDefaultInstance()))
                    .setID(r.getID())
                    .setTTL(ttl)
                    .build());
          }
        });
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {
        synchronized (out) {
          out.onCompleted();
        }
      }
    };
  }

  @Override
  public void leaseTimeToLive(
      LeaseTimeToLiveRequest request, StreamObserver<LeaseTimeToLiveResponse> out) {
    if (request.getKeys()) {
      try {
        server.authorizer().checkLeaseKeys(server.leaseKeys(request.getID()));
      } catch (RuntimeException e) {
        out.onError(GrpcErrors.toStatus(e));
        return;
      }
    }
    // The time left is the leader's to tell (it keeps the deadlines); the rest is replicated.
    server.leaseRemaining(request.getID()).whenComplete((remaining, e) -> {
      if (e != null) {
        out.onError(GrpcErrors.toStatus(e));
        return;
      }
      LeaseTimeToLiveResponse.Builder b =
          LeaseTimeToLiveResponse.newBuilder()
              .setHeader(server.header(ResponseHeader.getDefaultInstance()))
              .setID(request.getID());
      Lease l = lessor.get(request.getID());
      if (l == null || remaining < 0) {
        // etcd answers an unknown lease with TTL -1 rather than an error.
        b.setTTL(-1);
      } else {
        b.setTTL(remaining).setGrantedTTL(l.ttlSeconds());
        if (request.getKeys()) {
          b.addAllKeys(l.keys());
        }
      }
      out.onNext(b.build());
      out.onCompleted();
    });
  }

  private void leaseLeases(byte[] request, StreamObserver<byte[]> out) {
    ExtraMessages.Writer w =
        new ExtraMessages.Writer().message(1, server.header(ResponseHeader.getDefaultInstance()));
    for (Lease l : lessor.all()) {
      w.message(2, new ExtraMessages.Writer().int64(1, l.id()).bytes());
    }
    out.onNext(w.bytes());
    out.onCompleted();
  }
}
