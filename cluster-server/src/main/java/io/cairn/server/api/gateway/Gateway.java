package io.cairn.server.api.gateway;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.cairn.server.api.http.HttpRoute;
import io.cairn.server.api.http.HttpRouter;
import io.etcd.jetcd.api.AlarmRequest;
import io.etcd.jetcd.api.AuthDisableRequest;
import io.etcd.jetcd.api.AuthEnableRequest;
import io.etcd.jetcd.api.AuthGrpc;
import io.etcd.jetcd.api.AuthRoleAddRequest;
import io.etcd.jetcd.api.AuthRoleDeleteRequest;
import io.etcd.jetcd.api.AuthRoleGetRequest;
import io.etcd.jetcd.api.AuthRoleGrantPermissionRequest;
import io.etcd.jetcd.api.AuthRoleListRequest;
import io.etcd.jetcd.api.AuthRoleRevokePermissionRequest;
import io.etcd.jetcd.api.AuthUserAddRequest;
import io.etcd.jetcd.api.AuthUserChangePasswordRequest;
import io.etcd.jetcd.api.AuthUserDeleteRequest;
import io.etcd.jetcd.api.AuthUserGetRequest;
import io.etcd.jetcd.api.AuthUserGrantRoleRequest;
import io.etcd.jetcd.api.AuthUserListRequest;
import io.etcd.jetcd.api.AuthUserRevokeRoleRequest;
import io.etcd.jetcd.api.AuthenticateRequest;
import io.etcd.jetcd.api.ClusterGrpc;
import io.etcd.jetcd.api.CompactionRequest;
import io.etcd.jetcd.api.DefragmentRequest;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.HashKVRequest;
import io.etcd.jetcd.api.HashRequest;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.LeaseGrpc;
import io.etcd.jetcd.api.LeaseKeepAliveRequest;
import io.etcd.jetcd.api.LeaseRevokeRequest;
import io.etcd.jetcd.api.LeaseTimeToLiveRequest;
import io.etcd.jetcd.api.CampaignRequest;
import io.etcd.jetcd.api.ElectionGrpc;
import io.etcd.jetcd.api.LeaderRequest;
import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.ProclaimRequest;
import io.etcd.jetcd.api.ResignRequest;
import io.etcd.jetcd.api.lock.LockGrpc;
import io.etcd.jetcd.api.lock.LockRequest;
import io.etcd.jetcd.api.lock.UnlockRequest;
import io.etcd.jetcd.api.MemberAddRequest;
import io.etcd.jetcd.api.MemberListRequest;
import io.etcd.jetcd.api.MemberPromoteRequest;
import io.etcd.jetcd.api.MemberRemoveRequest;
import io.etcd.jetcd.api.MemberUpdateRequest;
import io.etcd.jetcd.api.MoveLeaderRequest;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.SnapshotRequest;
import io.etcd.jetcd.api.StatusRequest;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.WatchGrpc;
import io.etcd.jetcd.api.WatchRequest;
import io.grpc.BindableService;
import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * etcd's grpc-gateway: the JSON API on the client port ({@code POST /v3/kv/range} and so on, each
 * also under {@code /v3beta/}, as etcd 3.5 still answers the old prefix). Each route parses its
 * JSON body into the request message, calls the gRPC service in-process and writes the answer as
 * etcd does: see {@link GatewayJson} for the JSON mapping and {@link GatewayErrors} for errors.
 *
 * <p>Streaming routes ({@code watch}, {@code lease/keepalive}, {@code maintenance/snapshot})
 * answer {@code 200} with chunked transfer encoding, one {@code {"result":{...}}} line per
 * message. Their body may hold several JSON requests one after another; each goes to the service
 * in order. {@code lease/keepalive} then half-closes the request stream (as etcd's gateway does, so
 * the service ends the stream); {@code watch} keeps the stream open until the client disconnects,
 * and then the call is cancelled (cancel handler of the {@link io.grpc.stub.ServerCallStreamObserver},
 * the call's {@link Context} is cancelled) and the request stream is completed
 * ({@code onCompleted}).
 *
 * <p><b>Authorization.</b> The value of the HTTP {@code Authorization} header (verbatim, as etcd's
 * gateway forwards it as the {@code authorization} metadata, which etcd accepts like
 * {@code token}) is bound to {@link #AUTH_TOKEN} in the {@link Context} in which every service
 * method and every request-stream delivery runs; {@code null} when the header is absent. An auth
 * layer reads it with {@code Gateway.AUTH_TOKEN.get()}.
 */
public final class Gateway {
  /** The {@code Authorization} header of the HTTP request being served (null when absent). */
  public static final Context.Key<String> AUTH_TOKEN = Context.key("gateway-authorization");

  /** Path prefixes the gateway answers under. */
  public static final List<String> PREFIXES = List.of("/v3/", "/v3beta/");

  private Gateway() {}

  /** Adds every gateway route, under both prefixes, to {@code router}. */
  public static void register(HttpRouter router, GatewayServices services) {
    routes(services).forEach((path, route) -> {
      for (String prefix : PREFIXES) {
        router.add(prefix + path, route);
      }
    });
  }

  /**
   * What etcd's gateway answers for an unknown path under {@code /v3/} (or {@code /v3beta/}):
   * {@code 404}, {@code text/plain}, body {@code Not Found\n}. For a prefix fallback in the router.
   */
  public static HttpRoute notFound() {
    return (ctx, req) -> {
      FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
          HttpResponseStatus.NOT_FOUND, Unpooled.copiedBuffer("Not Found\n", StandardCharsets.UTF_8));
      r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
      r.headers().set("X-Content-Type-Options", "nosniff");
      r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
      boolean keepAlive = HttpUtil.isKeepAlive(req);
      HttpUtil.setKeepAlive(r, keepAlive);
      var f = ctx.writeAndFlush(r);
      if (!keepAlive) {
        f.addListener(ChannelFutureListener.CLOSE);
      }
    };
  }

  /** The routes by path without prefix ({@code kv/range}). */
  static Map<String, HttpRoute> routes(GatewayServices s) {
    Map<String, HttpRoute> r = new LinkedHashMap<>();
    KVGrpc.KVImplBase kv = s.kv();
    unary(r, "kv/range", kv, KVGrpc.getRangeMethod(), RangeRequest::newBuilder, KVGrpc.KVImplBase::range);
    unary(r, "kv/put", kv, KVGrpc.getPutMethod(), PutRequest::newBuilder, KVGrpc.KVImplBase::put);
    unary(r, "kv/deleterange", kv, KVGrpc.getDeleteRangeMethod(), DeleteRangeRequest::newBuilder,
        KVGrpc.KVImplBase::deleteRange);
    unary(r, "kv/txn", kv, KVGrpc.getTxnMethod(), TxnRequest::newBuilder, KVGrpc.KVImplBase::txn);
    unary(r, "kv/compaction", kv, KVGrpc.getCompactMethod(), CompactionRequest::newBuilder,
        KVGrpc.KVImplBase::compact);

    bidi(r, "watch", s.watch(), WatchGrpc.getWatchMethod(), WatchRequest::newBuilder,
        WatchGrpc.WatchImplBase::watch, false);

    LeaseGrpc.LeaseImplBase lease = s.lease();
    unary(r, "lease/grant", lease, LeaseGrpc.getLeaseGrantMethod(), LeaseGrantRequest::newBuilder,
        LeaseGrpc.LeaseImplBase::leaseGrant);
    for (String p : List.of("lease/revoke", "kv/lease/revoke")) {
      unary(r, p, lease, LeaseGrpc.getLeaseRevokeMethod(), LeaseRevokeRequest::newBuilder,
          LeaseGrpc.LeaseImplBase::leaseRevoke);
    }
    for (String p : List.of("lease/timetolive", "kv/lease/timetolive")) {
      unary(r, p, lease, LeaseGrpc.getLeaseTimeToLiveMethod(), LeaseTimeToLiveRequest::newBuilder,
          LeaseGrpc.LeaseImplBase::leaseTimeToLive);
    }
    for (String p : List.of("lease/leases", "kv/lease/leases")) {
      extra(r, p, s.leaseBinding(), "etcdserverpb.Lease/LeaseLeases",
          ExtraMethods.LEASE_LEASES_REQUEST, ExtraMethods.LEASE_LEASES_RESPONSE);
    }
    bidi(r, "lease/keepalive", lease, LeaseGrpc.getLeaseKeepAliveMethod(),
        LeaseKeepAliveRequest::newBuilder, LeaseGrpc.LeaseImplBase::leaseKeepAlive, true);

    ClusterGrpc.ClusterImplBase cl = s.cluster();
    unary(r, "cluster/member/add", cl, ClusterGrpc.getMemberAddMethod(),
        MemberAddRequest::newBuilder, ClusterGrpc.ClusterImplBase::memberAdd);
    unary(r, "cluster/member/remove", cl, ClusterGrpc.getMemberRemoveMethod(),
        MemberRemoveRequest::newBuilder, ClusterGrpc.ClusterImplBase::memberRemove);
    unary(r, "cluster/member/update", cl, ClusterGrpc.getMemberUpdateMethod(),
        MemberUpdateRequest::newBuilder, ClusterGrpc.ClusterImplBase::memberUpdate);
    unary(r, "cluster/member/list", cl, ClusterGrpc.getMemberListMethod(),
        MemberListRequest::newBuilder, ClusterGrpc.ClusterImplBase::memberList);
    unary(r, "cluster/member/promote", cl, ClusterGrpc.getMemberPromoteMethod(),
        MemberPromoteRequest::newBuilder, ClusterGrpc.ClusterImplBase::memberPromote);

    LockGrpc.LockImplBase lk = s.lock();
    unary(r, "lock/lock", lk, LockGrpc.getLockMethod(), LockRequest::newBuilder,
        LockGrpc.LockImplBase::lock);
    unary(r, "lock/unlock", lk, LockGrpc.getUnlockMethod(), UnlockRequest::newBuilder,
        LockGrpc.LockImplBase::unlock);
    ElectionGrpc.ElectionImplBase el = s.election();
    unary(r, "election/campaign", el, ElectionGrpc.getCampaignMethod(),
        CampaignRequest::newBuilder, ElectionGrpc.ElectionImplBase::campaign);
    unary(r, "election/proclaim", el, ElectionGrpc.getProclaimMethod(),
        ProclaimRequest::newBuilder, ElectionGrpc.ElectionImplBase::proclaim);
    unary(r, "election/leader", el, ElectionGrpc.getLeaderMethod(), LeaderRequest::newBuilder,
        ElectionGrpc.ElectionImplBase::leader);
    unary(r, "election/resign", el, ElectionGrpc.getResignMethod(), ResignRequest::newBuilder,
        ElectionGrpc.ElectionImplBase::resign);
    serverStream(r, "election/observe", el, ElectionGrpc.getObserveMethod(),
        LeaderRequest::newBuilder, ElectionGrpc.ElectionImplBase::observe);

    MaintenanceGrpc.MaintenanceImplBase m = s.maintenance();
    unary(r, "maintenance/alarm", m, MaintenanceGrpc.getAlarmMethod(), AlarmRequest::newBuilder,
        MaintenanceGrpc.MaintenanceImplBase::alarm);
    unary(r, "maintenance/status", m, MaintenanceGrpc.getStatusMethod(), StatusRequest::newBuilder,
        MaintenanceGrpc.MaintenanceImplBase::status);
    unary(r, "maintenance/defragment", m, MaintenanceGrpc.getDefragmentMethod(),
        DefragmentRequest::newBuilder, MaintenanceGrpc.MaintenanceImplBase::defragment);
    unary(r, "maintenance/hash", m, MaintenanceGrpc.getHashMethod(), HashRequest::newBuilder,
        MaintenanceGrpc.MaintenanceImplBase::hash);
    unary(r, "maintenance/hashkv", m, MaintenanceGrpc.getHashKVMethod(), HashKVRequest::newBuilder,
        MaintenanceGrpc.MaintenanceImplBase::hashKV);
    serverStream(r, "maintenance/snapshot", m, MaintenanceGrpc.getSnapshotMethod(),
        SnapshotRequest::newBuilder, MaintenanceGrpc.MaintenanceImplBase::snapshot);
    unary(r, "maintenance/transfer-leadership", m, MaintenanceGrpc.getMoveLeaderMethod(),
        MoveLeaderRequest::newBuilder, MaintenanceGrpc.MaintenanceImplBase::moveLeader);

    AuthGrpc.AuthImplBase a = s.auth();
    unary(r, "auth/enable", a, AuthGrpc.getAuthEnableMethod(), AuthEnableRequest::newBuilder,
        AuthGrpc.AuthImplBase::authEnable);
    unary(r, "auth/disable", a, AuthGrpc.getAuthDisableMethod(), AuthDisableRequest::newBuilder,
        AuthGrpc.AuthImplBase::authDisable);
    extra(r, "auth/status", s.authBinding(), "etcdserverpb.Auth/AuthStatus",
        ExtraMethods.AUTH_STATUS_REQUEST, ExtraMethods.AUTH_STATUS_RESPONSE);
    unary(r, "auth/authenticate", a, AuthGrpc.getAuthenticateMethod(),
        AuthenticateRequest::newBuilder, AuthGrpc.AuthImplBase::authenticate);
    unary(r, "auth/user/add", a, AuthGrpc.getUserAddMethod(), AuthUserAddRequest::newBuilder,
        AuthGrpc.AuthImplBase::userAdd);
    unary(r, "auth/user/get", a, AuthGrpc.getUserGetMethod(), AuthUserGetRequest::newBuilder,
        AuthGrpc.AuthImplBase::userGet);
    unary(r, "auth/user/list", a, AuthGrpc.getUserListMethod(), AuthUserListRequest::newBuilder,
        AuthGrpc.AuthImplBase::userList);
    unary(r, "auth/user/delete", a, AuthGrpc.getUserDeleteMethod(),
        AuthUserDeleteRequest::newBuilder, AuthGrpc.AuthImplBase::userDelete);
    unary(r, "auth/user/changepw", a, AuthGrpc.getUserChangePasswordMethod(),
        AuthUserChangePasswordRequest::newBuilder, AuthGrpc.AuthImplBase::userChangePassword);
    unary(r, "auth/user/grant", a, AuthGrpc.getUserGrantRoleMethod(),
        AuthUserGrantRoleRequest::newBuilder, AuthGrpc.AuthImplBase::userGrantRole);
    unary(r, "auth/user/revoke", a, AuthGrpc.getUserRevokeRoleMethod(),
        AuthUserRevokeRoleRequest::newBuilder, AuthGrpc.AuthImplBase::userRevokeRole);
    unary(r, "auth/role/add", a, AuthGrpc.getRoleAddMethod(), AuthRoleAddRequest::newBuilder,
        AuthGrpc.AuthImplBase::roleAdd);
    unary(r, "auth/role/get", a, AuthGrpc.getRoleGetMethod(), AuthRoleGetRequest::newBuilder,
        AuthGrpc.AuthImplBase::roleGet);
    unary(r, "auth/role/list", a, AuthGrpc.getRoleListMethod(), AuthRoleListRequest::newBuilder,
        AuthGrpc.AuthImplBase::roleList);
    unary(r, "auth/role/delete", a, AuthGrpc.getRoleDeleteMethod(),
        AuthRoleDeleteRequest::newBuilder, AuthGrpc.AuthImplBase::roleDelete);
    unary(r, "auth/role/grant", a, AuthGrpc.getRoleGrantPermissionMethod(),
        AuthRoleGrantPermissionRequest::newBuilder, AuthGrpc.AuthImplBase::roleGrantPermission);
    unary(r, "auth/role/revoke", a, AuthGrpc.getRoleRevokePermissionMethod(),
        AuthRoleRevokePermissionRequest::newBuilder, AuthGrpc.AuthImplBase::roleRevokePermission);
    return r;
  }

  /** A unary service method, as its generated base class declares it. */
  @FunctionalInterface
  interface UnaryMethod<S, Q, R> {
    void call(S service, Q request, StreamObserver<R> responses);
  }

  /** A bidirectional-streaming service method. */
  @FunctionalInterface
  interface BidiMethod<S, Q, R> {
    StreamObserver<Q> call(S service, StreamObserver<R> responses);
  }

  private static Status notFound(String fullMethodName) {
    return Status.UNIMPLEMENTED.withDescription("Method not found: " + fullMethodName);
  }

  /** Parses a unary body: empty means the default request; only the first value counts. */
  private static Message parseOne(String body, Message.Builder b)
      throws JsonText.SyntaxError, GatewayJson.MappingError {
    JsonText t = new JsonText(body);
    if (!t.atEnd()) {
      GatewayJson.merge(t.next(), b);
    }
    return b.build();
  }

  private static <S, Q extends Message, R extends Message> void unary(
      Map<String, HttpRoute> routes, String path, S service, MethodDescriptor<Q, R> method,
      Supplier<? extends Message.Builder> builder, UnaryMethod<S, Q, R> fn) {
    routes.put(path, (ctx, req) -> {
      GatewayCall call = GatewayCall.open(ctx, req);
      if (call == null) {
        return;
      }
      Q request;
      try {
        @SuppressWarnings("unchecked")
        Q q = (Q) parseOne(call.body, builder.get());
        request = q;
      } catch (JsonText.SyntaxError | GatewayJson.MappingError e) {
        call.writeError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()));
        return;
      }
      if (service == null) {
        call.writeError(notFound(method.getFullMethodName()));
        return;
      }
      HttpObserver<R> out = new HttpObserver<>(call, false, GatewayJson::print);
      call.run(() -> fn.call(service, request, out), out);
    });
  }

  private static <S, Q extends Message, R extends Message> void serverStream(
      Map<String, HttpRoute> routes, String path, S service, MethodDescriptor<Q, R> method,
      Supplier<? extends Message.Builder> builder, UnaryMethod<S, Q, R> fn) {
    routes.put(path, (ctx, req) -> {
      GatewayCall call = GatewayCall.open(ctx, req);
      if (call == null) {
        return;
      }
      Q request;
      try {
        @SuppressWarnings("unchecked")
        Q q = (Q) parseOne(call.body, builder.get());
        request = q;
      } catch (JsonText.SyntaxError | GatewayJson.MappingError e) {
        call.writeError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()));
        return;
      }
      if (service == null) {
        call.writeError(notFound(method.getFullMethodName()));
        return;
      }
      HttpObserver<R> out = new HttpObserver<>(call, true, GatewayJson::print);
      call.run(() -> fn.call(service, request, out), out);
    });
  }

  private static <S, Q extends Message, R extends Message> void bidi(
      Map<String, HttpRoute> routes, String path, S service, MethodDescriptor<Q, R> method,
      Supplier<? extends Message.Builder> builder, BidiMethod<S, Q, R> fn,
      boolean halfCloseAfterBody) {
    routes.put(path, (ctx, req) -> {
      GatewayCall call = GatewayCall.open(ctx, req);
      if (call == null) {
        return;
      }
      JsonText body = new JsonText(call.body);
      Q first = null;
      try {
        if (!body.atEnd()) {
          Message.Builder b = builder.get();
          GatewayJson.merge(body.next(), b);
          @SuppressWarnings("unchecked")
          Q q = (Q) b.build();
          first = q;
        }
      } catch (JsonText.SyntaxError | GatewayJson.MappingError e) {
        // etcd's gateway reports a bad first stream message as a plain (Unknown) error.
        call.writeError(Status.UNKNOWN.withDescription(e.getMessage()));
        return;
      }
      if (service == null) {
        call.writeError(notFound(method.getFullMethodName()));
        return;
      }
      HttpObserver<R> out = new HttpObserver<>(call, true, GatewayJson::print);
      Q firstRequest = first;
      call.run(() -> {
        StreamObserver<Q> requests = fn.call(service, out);
        if (firstRequest != null) {
          requests.onNext(firstRequest);
        }
        while (!body.atEnd()) {
          Message.Builder b = builder.get();
          try {
            GatewayJson.merge(body.next(), b);
          } catch (JsonText.SyntaxError | GatewayJson.MappingError e) {
            break; // etcd's gateway stops sending at a bad message and keeps the stream
          }
          @SuppressWarnings("unchecked")
          Q q = (Q) b.build();
          requests.onNext(q);
        }
        if (halfCloseAfterBody) {
          requests.onCompleted();
        } else {
          call.completeWhenGone(requests);
        }
      }, out);
    });
  }

  private static void extra(
      Map<String, HttpRoute> routes, String path, BindableService service, String fullName,
      Descriptor requestType, Descriptor responseType) {
    ServerMethodDefinition<?, ?> def = ExtraMethods.find(service, fullName);
    Function<byte[], String> printer = bytes -> {
      try {
        return GatewayJson.print(DynamicMessage.parseFrom(responseType, bytes));
      } catch (InvalidProtocolBufferException e) {
        throw Status.INTERNAL.withDescription(e.getMessage()).asRuntimeException();
      }
    };
    routes.put(path, (ctx, req) -> {
      GatewayCall call = GatewayCall.open(ctx, req);
      if (call == null) {
        return;
      }
      byte[] request;
      try {
        request = parseOne(call.body, DynamicMessage.newBuilder(requestType)).toByteArray();
      } catch (JsonText.SyntaxError | GatewayJson.MappingError e) {
        call.writeError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()));
        return;
      }
      if (def == null) {
        call.writeError(notFound(fullName));
        return;
      }
      HttpObserver<byte[]> out = new HttpObserver<>(call, false, printer);
      Metadata headers = new Metadata();
      if (call.authorization != null) {
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
            call.authorization);
      }
      call.run(() -> ExtraMethods.callUnary(def, request, headers,
          bytes -> {
            out.onNext(bytes);
            out.onCompleted();
          },
          status -> out.onError(status.asRuntimeException())), out);
    });
  }
}
