package io.cairn.server.api.gateway;

import io.etcd.jetcd.api.AuthGrpc;
import io.etcd.jetcd.api.ClusterGrpc;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.LeaseGrpc;
import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.ElectionGrpc;
import io.etcd.jetcd.api.WatchGrpc;
import io.etcd.jetcd.api.lock.LockGrpc;
import io.grpc.BindableService;

/**
 * The gRPC services the JSON gateway calls in-process. Any of them may be {@code null}; its routes
 * then answer as a gRPC server without that service does ({@code Unimplemented}, HTTP 501).
 *
 * <p>{@code LeaseLeases} and {@code AuthStatus} are absent from the generated base classes; the
 * gateway finds them in {@code leaseBinding.bindService()} / {@code authBinding.bindService()}
 * (by default the services themselves) under their full
 * names {@code etcdserverpb.Lease/LeaseLeases} and {@code etcdserverpb.Auth/AuthStatus}, and passes
 * requests in etcd's wire encoding through the method's own marshallers.
 */
public record GatewayServices(
    KVGrpc.KVImplBase kv,
    WatchGrpc.WatchImplBase watch,
    LeaseGrpc.LeaseImplBase lease,
    ClusterGrpc.ClusterImplBase cluster,
    MaintenanceGrpc.MaintenanceImplBase maintenance,
    AuthGrpc.AuthImplBase auth,
    BindableService leaseBinding,
    BindableService authBinding,
    LockGrpc.LockImplBase lock,
    ElectionGrpc.ElectionImplBase election) {

  /** The services whose extra methods are bound by the services themselves. */
  public GatewayServices(
      KVGrpc.KVImplBase kv,
      WatchGrpc.WatchImplBase watch,
      LeaseGrpc.LeaseImplBase lease,
      ClusterGrpc.ClusterImplBase cluster,
      MaintenanceGrpc.MaintenanceImplBase maintenance,
      AuthGrpc.AuthImplBase auth) {
    this(kv, watch, lease, cluster, maintenance, auth, lease, auth, null, null);
  }
}
