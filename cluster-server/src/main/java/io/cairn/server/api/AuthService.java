package io.cairn.server.api;

import com.google.protobuf.MessageLite;
import io.cairn.server.apply.Command;
import io.cairn.server.auth.AuthCommand;
import io.cairn.server.auth.AuthInfo;
import io.cairn.server.auth.AuthStore;
import io.cairn.server.auth.Authorizer;
import io.cairn.server.auth.Passwords;
import io.cairn.server.auth.SimpleTokens;
import io.cairn.server.errors.EtcdError;
import io.cairn.server.errors.EtcdException;
import io.cairn.server.server.EtcdServer;
import io.cairn.server.util.DaemonThreads;
import io.etcd.jetcd.api.AuthDisableRequest;
import io.etcd.jetcd.api.AuthDisableResponse;
import io.etcd.jetcd.api.AuthEnableRequest;
import io.etcd.jetcd.api.AuthEnableResponse;
import io.etcd.jetcd.api.AuthGrpc;
import io.etcd.jetcd.api.AuthRoleAddRequest;
import io.etcd.jetcd.api.AuthRoleAddResponse;
import io.etcd.jetcd.api.AuthRoleDeleteRequest;
import io.etcd.jetcd.api.AuthRoleDeleteResponse;
import io.etcd.jetcd.api.AuthRoleGetRequest;
import io.etcd.jetcd.api.AuthRoleGetResponse;
import io.etcd.jetcd.api.AuthRoleGrantPermissionRequest;
import io.etcd.jetcd.api.AuthRoleGrantPermissionResponse;
import io.etcd.jetcd.api.AuthRoleListRequest;
import io.etcd.jetcd.api.AuthRoleListResponse;
import io.etcd.jetcd.api.AuthRoleRevokePermissionRequest;
import io.etcd.jetcd.api.AuthRoleRevokePermissionResponse;
import io.etcd.jetcd.api.AuthUserAddRequest;
import io.etcd.jetcd.api.AuthUserAddResponse;
import io.etcd.jetcd.api.AuthUserChangePasswordRequest;
import io.etcd.jetcd.api.AuthUserChangePasswordResponse;
import io.etcd.jetcd.api.AuthUserDeleteRequest;
import io.etcd.jetcd.api.AuthUserDeleteResponse;
import io.etcd.jetcd.api.AuthUserGetRequest;
import io.etcd.jetcd.api.AuthUserGetResponse;
import io.etcd.jetcd.api.AuthUserGrantRoleRequest;
import io.etcd.jetcd.api.AuthUserGrantRoleResponse;
import io.etcd.jetcd.api.AuthUserListRequest;
import io.etcd.jetcd.api.AuthUserListResponse;
import io.etcd.jetcd.api.AuthUserRevokeRoleRequest;
import io.etcd.jetcd.api.AuthUserRevokeRoleResponse;
import io.etcd.jetcd.api.AuthenticateRequest;
import io.etcd.jetcd.api.AuthenticateResponse;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcd.jetcd.api.Role;
import io.grpc.BindableService;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@code etcdserverpb.Auth}, including etcd 3.5's {@code AuthStatus}. Changes go through the log
 * as auth commands; passwords are hashed and checked here, on a small pool, never on the apply
 * thread. Repeated failed authentications of one user are slowed down (doubling, up to 250 ms:
 * a client with several endpoints, like etcdctl, tries each member in turn within its dial
 * timeout, so a longer wait per member would turn "authentication failed" into a timeout).
 */
public final class AuthService extends AuthGrpc.AuthImplBase {
  private static final String AUTH_SERVICE = "etcdserverpb.Auth";
  private static final MethodDescriptor<byte[], byte[]> AUTH_STATUS =
      MethodDescriptor.<byte[], byte[]>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName("etcdserverpb.Auth/AuthStatus")
          .setRequestMarshaller(ExtraMessages.RAW)
          .setResponseMarshaller(ExtraMessages.RAW)
          .build();
  private static final long MAX_DELAY_MILLIS = 250;
  private static final int AUTHENTICATE_TRIES = 5;

  private final EtcdServer server;
  private final Authorizer authorizer;
  private final AuthStore store;
  private final ExecutorService hashing =
      Executors.newFixedThreadPool(2, DaemonThreads.named("auth-bcrypt"));
  private final Map<String, Integer> failures = new ConcurrentHashMap<>();

  public AuthService(EtcdServer server, Authorizer authorizer) {
    this.server = server;
    this.authorizer = authorizer;
    this.store = authorizer.store();
  }

  /** The service as registered: the generated methods plus {@code AuthStatus}. */
  public BindableService withExtras() {
    return () -> {
      ServerServiceDefinition generated = bindService();
      ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(AUTH_SERVICE);
      generated.getMethods().forEach(b::addMethod);
      b.addMethod(AUTH_STATUS, ServerCalls.asyncUnaryCall(this::authStatus));
      return b.build();
    };
  }

  private ResponseHeader header() {
    return server.header(ResponseHeader.getDefaultInstance());
  }

  /** Proposes an auth command and answers with its response, header filled. */
  private <T extends MessageLite> void propose(
      Command.Kind kind, AuthCommand c, Class<T> type, StreamObserver<T> out) {
    KvService.reply(server.propose(new Command(kind, c.encode())), type, out,
        r -> withHeader(r));
  }

  @SuppressWarnings("unchecked")
  private <T extends MessageLite> T withHeader(T r) {
    com.google.protobuf.Message m = (com.google.protobuf.Message) r;
    var f = m.getDescriptorForType().findFieldByName("header");
    return (T) m.toBuilder().setField(f, header()).build();
  }

  /** Runs {@code body} with the caller resolved; etcd's errors become the call's status. */
  private <T extends MessageLite> void withCaller(
      StreamObserver<T> out, java.util.function.Function<AuthInfo, AuthCommand> body,
      Command.Kind kind, Class<T> type) {
    AuthCommand c;
    try {
      c = body.apply(authorizer.callerIfEnabled());
    } catch (RuntimeException e) {
      out.onError(GrpcErrors.toStatus(e));
      return;
    }
    propose(kind, c, type, out);
  }

  @Override
  public void authEnable(AuthEnableRequest r, StreamObserver<AuthEnableResponse> out) {
    withCaller(out, ai -> AuthCommand.of(ai, r), Command.Kind.AUTH_ENABLE,
        AuthEnableResponse.class);
  }

  @Override
  public void authDisable(AuthDisableRequest r, StreamObserver<AuthDisableResponse> out) {
    withCaller(out, ai -> AuthCommand.of(ai, r), Command.Kind.AUTH_DISABLE,
        AuthDisableResponse.class);
  }

  private void authStatus(byte[] request, StreamObserver<byte[]> out) {
    try {
      authorizer.checkAdmin();
    } catch (RuntimeException e) {
      out.onError(GrpcErrors.toStatus(e));
      return;
    }
    out.onNext(new ExtraMessages.Writer()
        .message(1, header())
        .bool(2, store.enabled())
        .int64(3, store.revision())
        .bytes());
    out.onCompleted();
  }

  @Override
  public void authenticate(AuthenticateRequest r, StreamObserver<AuthenticateResponse> out) {
    int failed = failures.getOrDefault(r.getName(), 0);
    long delay = failed == 0 ? 0 : Math.min(MAX_DELAY_MILLIS, 25L << Math.min(failed - 1, 10));
    CompletableFuture.runAsync(() -> {},
            CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS, hashing))
        .thenCompose(v -> authenticateOnce(r, AUTHENTICATE_TRIES))
        .whenComplete((resp, e) -> {
          if (e != null) {
            Throwable c = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                ? e.getCause() : e;
            if (c instanceof EtcdException ee && ee.error() == EtcdError.AUTH_FAILED) {
              server.metrics().cairn().authFailure();
              if (failures.size() > 10_000) {
                failures.clear();
              }
              failures.merge(r.getName(), 1, Integer::sum);
            }
            out.onError(GrpcErrors.toStatus(c));
          } else {
            failures.remove(r.getName());
            out.onNext(resp.toBuilder().setHeader(header()).build());
            out.onCompleted();
          }
        });
  }

  /** etcd's Authenticate: check the password, then issue the token through the log. */
  private CompletableFuture<AuthenticateResponse> authenticateOnce(AuthenticateRequest r,
      int triesLeft) {
    return CompletableFuture.supplyAsync(() -> store.checkPassword(r.getName(), r.getPassword()),
            hashing)
        .thenCompose(checked -> {
          AuthenticateRequest noPassword = r.toBuilder().clearPassword().build();
          AuthCommand c = AuthCommand.of(null, noPassword)
              .withToken(SimpleTokens.newPrefix(), checked);
          return server.propose(new Command(Command.Kind.AUTHENTICATE, c.encode()));
        })
        .handle((v, e) -> {
          Throwable c = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
              ? e.getCause() : e;
          if (c instanceof EtcdException ee && ee.error() == EtcdError.AUTH_OLD_REVISION
              && triesLeft > 1) {
            return authenticateOnce(r, triesLeft - 1);
          }
          if (c != null) {
            return CompletableFuture.<AuthenticateResponse>failedFuture(c);
          }
          return CompletableFuture.completedFuture((AuthenticateResponse) v);
        })
        .thenCompose(f -> f);
  }

  @Override
  public void userAdd(AuthUserAddRequest r, StreamObserver<AuthUserAddResponse> out) {
    AuthInfo ai;
    try {
      ai = authorizer.callerIfEnabled();
    } catch (RuntimeException e) {
      out.onError(GrpcErrors.toStatus(e));
      return;
    }
    boolean noPassword = AuthStore.noPassword(r);
    int cost = server.config().bcryptCost();
    CompletableFuture.supplyAsync(
            () -> noPassword ? null : Passwords.hash(r.getPassword(), cost), hashing)
        .thenCompose(hash -> server.propose(new Command(Command.Kind.USER_ADD,
            AuthCommand.of(ai, r.toBuilder().clearPassword().build()).withHash(hash).encode())))
        .whenComplete((v, e) -> reply(v, e, AuthUserAddResponse.class, out));
  }

  private <T extends MessageLite> void reply(Object v, Throwable e, Class<T> type,
      StreamObserver<T> out) {
    if (e != null) {
      out.onError(GrpcErrors.toStatus(e));
    } else {
      out.onNext(withHeader(type.cast(v)));
      out.onCompleted();
    }
  }

  @Override
  public void userChangePassword(
      AuthUserChangePasswordRequest r, StreamObserver<AuthUserChangePasswordResponse> out) {
    AuthInfo ai;
    try {
      ai = authorizer.callerIfEnabled();
    } catch (RuntimeException e) {
      out.onError(GrpcErrors.toStatus(e));
      return;
    }
    int cost = server.config().bcryptCost();
    CompletableFuture.supplyAsync(() -> Passwords.hash(r.getPassword(), cost), hashing)
        .thenCompose(hash -> server.propose(new Command(Command.Kind.USER_CHANGE_PASSWORD,
            AuthCommand.of(ai, r.toBuilder().clearPassword().build()).withHash(hash).encode())))
        .whenComplete((v, e) -> reply(v, e, AuthUserChangePasswordResponse.class, out));
  }

  @Override
  public void userDelete(AuthUserDeleteRequest r, StreamObserver<AuthUserDeleteResponse> out) {
    withCaller(out, ai -> AuthCommand.of(ai, r), Command.Kind.USER_DELETE,
        AuthUserDeleteResponse.class);
  }

  @Override
  public void userGrantRole(
      AuthUserGrantRoleRequest r, StreamObserver<AuthUserGrantRoleResponse> out) {
    withCaller(out, ai -> AuthCommand.of(ai, r), Command.Kind.USER_GRANT_ROLE,
        AuthUserGrantRoleResponse.class);
  }

  @Override
  public void userRevokeRole(
      AuthUserRevokeRoleRequest r, StreamObserver<AuthUserRevokeRoleResponse> out) {
    withCaller(out, ai -> AuthCommand.of(ai, r), Command.Kind.USER_REVOKE_ROLE,
        AuthUserRevokeRoleResponse.class);
  }

  @Override
  public void roleAdd(AuthRoleAddRequest r, StreamObserver<AuthRoleAddResponse> out) {
    withCaller(out, ai -> AuthCommand.of(ai, r), Command.Kind.ROLE_ADD,
        AuthRoleAddResponse.class);
  }

  @Override
  public void roleDelete(AuthRoleDeleteRequest r, StreamObserver<AuthRoleDeleteResponse> out) {
    withCaller(out, ai -> AuthCommand.of(ai, r), Command.Kind.ROLE_DELETE,
        AuthRoleDeleteResponse.class);
  }

  @Override
  public void roleGrantPermission(
      AuthRoleGrantPermissionRequest r, StreamObserver<AuthRoleGrantPermissionResponse> out) {
    withCaller(out, ai -> AuthCommand.of(ai, r), Command.Kind.ROLE_GRANT_PERMISSION,
        AuthRoleGrantPermissionResponse.class);
  }

  @Override
  public void roleRevokePermission(
      AuthRoleRevokePermissionRequest r, StreamObserver<AuthRoleRevokePermissionResponse> out) {
    withCaller(out, ai -> AuthCommand.of(ai, r), Command.Kind.ROLE_REVOKE_PERMISSION,
        AuthRoleRevokePermissionResponse.class);
  }

  // ---- reads: served locally, admin (or, for Get, the user or role itself) only ----

  private static <T> void answer(StreamObserver<T> out, Supplier<T> body) {
    T v;
    try {
      v = body.get();
    } catch (RuntimeException e) {
      out.onError(GrpcErrors.toStatus(e));
      return;
    }
    out.onNext(v);
    out.onCompleted();
  }

  @Override
  public void userGet(AuthUserGetRequest r, StreamObserver<AuthUserGetResponse> out) {
    answer(out, () -> {
      AuthInfo ai = authorizer.callerIfEnabled();
      if (store.enabled() && !store.isAdmin(ai)
          && (ai == null || !ai.username().equals(r.getName()))) {
        store.checkAdmin(ai);
      }
      AuthStore.UserRecord u = store.user(r.getName());
      if (u == null) {
        throw EtcdError.USER_NOT_FOUND.exception();
      }
      return AuthUserGetResponse.newBuilder().setHeader(header()).addAllRoles(u.roles()).build();
    });
  }

  @Override
  public void userList(AuthUserListRequest r, StreamObserver<AuthUserListResponse> out) {
    answer(out, () -> {
      authorizer.checkAdmin();
      return AuthUserListResponse.newBuilder().setHeader(header())
          .addAllUsers(store.userNames()).build();
    });
  }

  @Override
  public void roleGet(AuthRoleGetRequest r, StreamObserver<AuthRoleGetResponse> out) {
    answer(out, () -> {
      AuthInfo ai = authorizer.callerIfEnabled();
      if (store.enabled() && !store.isAdmin(ai)
          && (ai == null || !store.userHasRole(ai.username(), r.getRole()))) {
        store.checkAdmin(ai);
      }
      Role role = store.role(r.getRole());
      if (role == null) {
        throw EtcdError.ROLE_NOT_FOUND.exception();
      }
      return AuthRoleGetResponse.newBuilder().setHeader(header())
          .addAllPerm(role.getKeyPermissionList()).build();
    });
  }

  @Override
  public void roleList(AuthRoleListRequest r, StreamObserver<AuthRoleListResponse> out) {
    answer(out, () -> {
      authorizer.checkAdmin();
      return AuthRoleListResponse.newBuilder().setHeader(header())
          .addAllRoles(store.roleNames()).build();
    });
  }

  public void close() {
    hashing.shutdownNow();
  }
}
