package io.cairn.server.auth;

import com.google.protobuf.ByteString;
import io.cairn.server.api.gateway.Gateway;
import io.cairn.server.errors.EtcdError;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.TxnRequest;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.function.LongFunction;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Finds who a call comes from and checks what they may do, as etcd's auth store does for each
 * request: the {@code token} (or {@code authorization}) metadata, the gateway's {@code
 * Authorization} header, or with {@code --client-cert-auth} the verified client certificate's
 * common name. While auth is disabled every check passes.
 */
public final class Authorizer implements ServerInterceptor {
  /** Longer tokens are refused without a lookup. */
  static final int MAX_TOKEN_CHARS = 4096;

  private static final Metadata.Key<String> TOKEN =
      Metadata.Key.of("token", Metadata.ASCII_STRING_MARSHALLER);
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final Context.Key<String> CALL_TOKEN = Context.key("auth-token");
  private static final Context.Key<String> CALL_CN = Context.key("auth-cert-cn");

  private final AuthStore store;
  private final boolean clientCertAuth;

  public Authorizer(AuthStore store, boolean clientCertAuth) {
    this.store = store;
    this.clientCertAuth = clientCertAuth;
  }

  public AuthStore store() {
    return store;
  }

  public boolean enabled() {
    return store.enabled();
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    String token = headers.get(TOKEN);
    if (token == null) {
      token = headers.get(AUTHORIZATION);
    }
    String cn = clientCertAuth ? commonName(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION))
        : null;
    if (token == null && cn == null) {
      return next.startCall(call, headers);
    }
    Context ctx = Context.current();
    if (token != null) {
      ctx = ctx.withValue(CALL_TOKEN, token);
    }
    if (cn != null) {
      ctx = ctx.withValue(CALL_CN, cn);
    }
    return Contexts.interceptCall(ctx, call, headers, next);
  }

  private static String commonName(SSLSession session) {
    if (session == null) {
      return null;
    }
    try {
      Certificate[] chain = session.getPeerCertificates();
      if (chain.length == 0 || !(chain[0] instanceof X509Certificate x)) {
        return null;
      }
      for (Rdn rdn : new LdapName(x.getSubjectX500Principal().getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          return rdn.getValue().toString();
        }
      }
    } catch (SSLPeerUnverifiedException | javax.naming.InvalidNameException e) {
      return null;
    }
    return null;
  }

  /** The credential of the current call, captured for later use on other threads. */
  public record Credential(String token, String commonName) {}

  public static Credential credential() {
    String token = CALL_TOKEN.get();
    if (token == null) {
      token = Gateway.AUTH_TOKEN.get();
    }
    return new Credential(token, CALL_CN.get());
  }

  /** etcd's AuthInfoFromCtx: null without a credential; a bad token is refused. */
  public AuthInfo caller() {
    return resolve(credential());
  }

  public AuthInfo resolve(Credential c) {
    if (c.token() != null) {
      if (c.token().length() > MAX_TOKEN_CHARS) {
        throw EtcdError.INVALID_AUTH_TOKEN.exception();
      }
      AuthInfo ai = store.tokens().info(c.token(), store.revision());
      if (ai == null) {
        throw EtcdError.INVALID_AUTH_TOKEN.exception();
      }
      return ai;
    }
    if (c.commonName() != null) {
      return new AuthInfo(c.commonName(), store.revision());
    }
    return null;
  }

  /** The caller when auth is enabled; null when it is disabled (nothing to attach). */
  public AuthInfo callerIfEnabled() {
    return store.enabled() ? caller() : null;
  }

  // ---- checks of requests: each does nothing while auth is disabled ----

  public void checkAdmin() {
    if (store.enabled()) {
      store.checkAdmin(caller());
    }
  }

  public void checkRange(RangeRequest r) {
    if (store.enabled()) {
      store.checkRange(caller(), r.getKey(), r.getRangeEnd());
    }
  }

  public void checkRange(ByteString key, ByteString rangeEnd) {
    if (store.enabled()) {
      store.checkRange(caller(), key, rangeEnd);
    }
  }

  /** Read and write on {@code [key, rangeEnd)}: what a lock or election on a prefix does. */
  public void checkReadWrite(ByteString key, ByteString rangeEnd) {
    if (store.enabled()) {
      AuthInfo ai = caller();
      store.checkRange(ai, key, rangeEnd);
      store.checkDeleteRange(ai, key, rangeEnd);
    }
  }

  /** Put: write on the key, write on every key of its lease, read when it returns prev_kv. */
  public void checkPut(PutRequest r, LongFunction<Collection<ByteString>> leaseKeys) {
    if (store.enabled()) {
      AuthInfo ai = caller();
      checkPut(ai, r, leaseKeys);
    }
  }

  private void checkPut(AuthInfo ai, PutRequest r, LongFunction<Collection<ByteString>> leaseKeys) {
    store.checkPut(ai, r.getKey());
    if (r.getLease() != 0) {
      for (ByteString k : leaseKeys.apply(r.getLease())) {
        store.checkPut(ai, k);
      }
    }
    if (r.getPrevKv()) {
      store.checkRange(ai, r.getKey(), ByteString.EMPTY);
    }
  }

  public void checkDelete(DeleteRangeRequest r) {
    if (store.enabled()) {
      AuthInfo ai = caller();
      checkDelete(ai, r);
    }
  }

  private void checkDelete(AuthInfo ai, DeleteRangeRequest r) {
    if (r.getPrevKv()) {
      store.checkRange(ai, r.getKey(), r.getRangeEnd());
    }
    store.checkDeleteRange(ai, r.getKey(), r.getRangeEnd());
  }

  /** Txn: read on every compare, and every operation of both branches, nested txns included. */
  public void checkTxn(TxnRequest r, LongFunction<Collection<ByteString>> leaseKeys) {
    if (store.enabled()) {
      checkTxn(caller(), r, leaseKeys);
    }
  }

  private void checkTxn(AuthInfo ai, TxnRequest r, LongFunction<Collection<ByteString>> leaseKeys) {
    for (Compare c : r.getCompareList()) {
      store.checkRange(ai, c.getKey(), c.getRangeEnd());
    }
    checkOps(ai, r.getSuccessList(), leaseKeys);
    checkOps(ai, r.getFailureList(), leaseKeys);
  }

  private void checkOps(AuthInfo ai, java.util.List<RequestOp> ops,
      LongFunction<Collection<ByteString>> leaseKeys) {
    for (RequestOp op : ops) {
      switch (op.getRequestCase()) {
        case REQUEST_RANGE -> store.checkRange(ai, op.getRequestRange().getKey(),
            op.getRequestRange().getRangeEnd());
        case REQUEST_PUT -> checkPut(ai, op.getRequestPut(), leaseKeys);
        case REQUEST_DELETE_RANGE -> checkDelete(ai, op.getRequestDeleteRange());
        case REQUEST_TXN -> checkTxn(ai, op.getRequestTxn(), leaseKeys);
        default -> {}
      }
    }
  }

  /** Revoking a lease deletes its keys: write on each (etcd's checkLeasePuts). */
  public void checkLeaseRevoke(Collection<ByteString> keys) {
    if (store.enabled()) {
      AuthInfo ai = caller();
      for (ByteString k : keys) {
        store.checkPut(ai, k);
      }
    }
  }

  /** Listing a lease's keys needs read on each (etcd 3.5's checkLeaseTimeToLive). */
  public void checkLeaseKeys(Collection<ByteString> keys) {
    if (store.enabled()) {
      AuthInfo ai = caller();
      if (ai == null) {
        throw EtcdError.USER_EMPTY.exception();
      }
      for (ByteString k : keys) {
        store.checkRange(ai, k, ByteString.EMPTY);
      }
    }
  }
}
