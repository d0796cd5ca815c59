package io.cairn.server.api;

import io.cairn.server.apply.Command;
import io.cairn.server.apply.RangeExecutor;
import io.cairn.server.apply.RequestChecks;
import io.cairn.server.server.EtcdServer;
import io.etcd.jetcd.api.CompactionRequest;
import io.etcd.jetcd.api.CompactionResponse;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.DeleteRangeResponse;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.PutResponse;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;

/** {@code etcdserverpb.KV}: validate, call the member, map errors, fill the header. */
public final class KvService extends KVGrpc.KVImplBase {
  private final EtcdServer server;

  public KvService(EtcdServer server) {
    this.server = server;
  }

  @Override
  public void range(RangeRequest request, StreamObserver<RangeResponse> out) {
    try {
      RequestChecks.checkRange(request);
      server.authorizer().checkRange(request);
      server.metrics().mvcc().mvccRange();
    } catch (RuntimeException e) {
      out.onError(GrpcErrors.toStatus(e));
      return;
    }
    // A serializable read is served from this member's store as it is; a linearizable one
    // first waits until the store holds everything committed when the read arrived (ReadIndex).
    whenReadable(request.getSerializable(), out, () -> {
      RangeResponse r = RangeExecutor.range(server.store(), request);
      out.onNext(r.toBuilder().setHeader(server.header(r.getHeader())).build());
      out.onCompleted();
    });
  }

  /** Runs {@code read} once a read of the given consistency may be served here. */
  private void whenReadable(boolean serializable, StreamObserver<?> out, Runnable read) {
    if (serializable) {
      run(out, read);
      return;
    }
    if (server.isLearner()) {
      out.onError(GrpcErrors.toStatus(
          io.cairn.server.errors.EtcdError.NOT_SUPPORTED_FOR_LEARNER.exception()));
      return;
    }
    server.readBarrier().whenComplete((v, e) -> {
      if (e != null) {
        out.onError(GrpcErrors.toStatus(e));
      } else {
        run(out, read);
      }
    });
  }

  private static void run(StreamObserver<?> out, Runnable read) {
    try {
      read.run();
    } catch (RuntimeException e) {
      out.onError(GrpcErrors.toStatus(e));
    }
  }

  @Override
  public void put(PutRequest request, StreamObserver<PutResponse> out) {
    try {
      RequestChecks.checkPut(request);
      server.authorizer().checkPut(request, server::leaseKeys);
    } catch (RuntimeException e) {
      out.onError(GrpcErrors.toStatus(e));
      return;
    }
    reply(server.propose(Command.put(request)), PutResponse.class, out,
        r -> r.toBuilder().setHeader(server.header(r.getHeader())).build());
  }

  @Override
  public void deleteRange(DeleteRangeRequest request, StreamObserver<DeleteRangeResponse> out) {
    try {
      RequestChecks.checkDelete(request);
      server.authorizer().checkDelete(request);
    } catch (RuntimeException e) {
      out.onError(GrpcErrors.toStatus(e));
      return;
    }
    reply(server.propose(Command.deleteRange(request)), DeleteRangeResponse.class, out,
        r -> r.toBuilder().setHeader(server.header(r.getHeader())).build());
  }

  @Override
  public void txn(TxnRequest request, StreamObserver<TxnResponse> out) {
    try {
      RequestChecks.checkTxn(request, server.config().maxTxnOps());
      server.authorizer().checkTxn(request, server::leaseKeys);
    } catch (RuntimeException e) {
      out.onError(GrpcErrors.toStatus(e));
      return;
    }
    if (RequestChecks.isReadOnly(request)) {
      // Read-only transactions never change state; etcd serves them without the log too, as
      // linearizable reads unless every range in them asks to be serializable.
      whenReadable(RequestChecks.isSerializable(request), out, () -> {
        TxnResponse r = server.readOnlyTxn(request);
        out.onNext(r.toBuilder().setHeader(server.header(r.getHeader())).build());
        out.onCompleted();
      });
      return;
    }
    reply(server.propose(Command.txn(request)), TxnResponse.class, out,
        r -> r.toBuilder().setHeader(server.header(r.getHeader())).build());
  }

  @Override
  public void compact(CompactionRequest request, StreamObserver<CompactionResponse> out) {
    reply(server.propose(Command.compaction(request)), CompactionResponse.class, out,
        r -> r.toBuilder().setHeader(server.header(r.getHeader())).build());
  }

  static <T> void reply(
      CompletableFuture<Object> f,
      Class<T> type,
      StreamObserver<T> out,
      java.util.function.UnaryOperator<T> finish) {
    f.whenComplete(
        (v, e) -> {
          if (e != null) {
            out.onError(GrpcErrors.toStatus(e));
          } else {
            out.onNext(finish.apply(type.cast(v)));
            out.onCompleted();
          }
        });
  }
}
