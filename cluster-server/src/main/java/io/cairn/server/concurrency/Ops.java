package io.cairn.server.concurrency;

import com.google.protobuf.ByteString;
import io.cairn.server.api.GrpcErrors;
import io.cairn.server.apply.Command;
import io.cairn.server.server.EtcdServer;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.DeleteRangeResponse;
import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.LeaseGrantResponse;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The key-space operations the concurrency recipes are made of, through the member's log. */
final class Ops {
  private static final Logger log = LoggerFactory.getLogger(Ops.class);
  /** The TTL etcd's concurrency session grants when a request names no lease. */
  static final long DEFAULT_SESSION_TTL = 60;

  final EtcdServer server;

  Ops(EtcdServer server) {
    this.server = server;
  }

  /**
   * The lease a request works under: its own, or (for lease 0, as etcd's server-side session
   * does) a new lease with etcd's default session TTL that nobody keeps alive.
   */
  CompletableFuture<Long> session(long lease) {
    if (lease != 0) {
      return CompletableFuture.completedFuture(lease);
    }
    return server
        .grantLease(LeaseGrantRequest.newBuilder().setTTL(DEFAULT_SESSION_TTL).build())
        .thenApply(r -> ((LeaseGrantResponse) r).getID());
  }

  CompletableFuture<TxnResponse> txn(TxnRequest t) {
    return server.propose(Command.txn(t)).thenApply(TxnResponse.class::cast);
  }

  CompletableFuture<DeleteRangeResponse> delete(ByteString key) {
    return server
        .propose(Command.deleteRange(DeleteRangeRequest.newBuilder().setKey(key).build()))
        .thenApply(DeleteRangeResponse.class::cast);
  }

  /** Deletes {@code key} if it still has create revision {@code rev} (a resign). */
  CompletableFuture<TxnResponse> deleteIfCreatedAt(ByteString key, long rev) {
    return txn(
        TxnRequest.newBuilder()
            .addCompare(createdAt(key, rev))
            .addSuccess(
                RequestOp.newBuilder()
                    .setRequestDeleteRange(DeleteRangeRequest.newBuilder().setKey(key)))
            .build());
  }

  /** Puts {@code value} under {@code key} if it still has create revision {@code rev}. */
  CompletableFuture<TxnResponse> putIfCreatedAt(
      ByteString key, long rev, ByteString value, long lease) {
    return txn(
        TxnRequest.newBuilder()
            .addCompare(createdAt(key, rev))
            .addSuccess(put(key, value, lease))
            .build());
  }

  /** Clean-up after a client went away: failures are only logged. */
  void quietly(CompletableFuture<?> f, String what) {
    f.whenComplete(
        (v, e) -> {
          if (e != null) {
            log.debug("{} failed: {}", what, e.toString());
          }
        });
  }

  ResponseHeader header(ResponseHeader h) {
    return server.header(h);
  }

  ResponseHeader header(long revision) {
    return server.header(ResponseHeader.newBuilder().setRevision(revision).build());
  }

  static Compare createdAt(ByteString key, long rev) {
    return Compare.newBuilder()
        .setKey(key)
        .setTarget(Compare.CompareTarget.CREATE)
        .setResult(Compare.CompareResult.EQUAL)
        .setCreateRevision(rev)
        .build();
  }

  static RequestOp put(ByteString key, ByteString value, long lease) {
    return RequestOp.newBuilder()
        .setRequestPut(PutRequest.newBuilder().setKey(key).setValue(value).setLease(lease))
        .build();
  }

  static RequestOp get(ByteString key) {
    return RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(key)).build();
  }

  /** etcd's {@code WithFirstCreate}: the key under {@code prefix} created first. */
  static RequestOp getFirstCreated(ByteString prefix) {
    return RequestOp.newBuilder()
        .setRequestRange(
            RangeRequest.newBuilder()
                .setKey(prefix)
                .setRangeEnd(Keys.prefixEnd(prefix))
                .setSortTarget(RangeRequest.SortTarget.CREATE)
                .setSortOrder(RangeRequest.SortOrder.ASCEND)
                .setLimit(1))
        .build();
  }

  /** An error etcd's concurrency servers return as a plain Go error: code Unknown. */
  static StatusRuntimeException plain(String message) {
    return Status.UNKNOWN.withDescription(message).asRuntimeException();
  }

  /**
   * {@code t} as etcd's concurrency servers send it. They call the member through a client, which
   * turns the member's gRPC errors into plain Go errors, so every error, etcd's own included
   * ({@code etcdserver: requested lease not found}), reaches their clients with code Unknown and
   * the same text.
   */
  static StatusRuntimeException toClient(Throwable t) {
    StatusRuntimeException s = GrpcErrors.toStatus(t);
    if (s.getStatus().getCode() == Status.Code.UNKNOWN) {
      return s;
    }
    return plain(s.getStatus().getDescription());
  }
}
