package io.cairn.server.concurrency;

import com.google.protobuf.ByteString;
import io.cairn.server.mvcc.RangeResult;
import io.cairn.server.server.EtcdServer;
import io.etcd.jetcd.api.CampaignRequest;
import io.etcd.jetcd.api.CampaignResponse;
import io.etcd.jetcd.api.ElectionGrpc;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.LeaderKey;
import io.etcd.jetcd.api.LeaderRequest;
import io.etcd.jetcd.api.LeaderResponse;
import io.etcd.jetcd.api.ProclaimRequest;
import io.etcd.jetcd.api.ProclaimResponse;
import io.etcd.jetcd.api.ResignRequest;
import io.etcd.jetcd.api.ResignResponse;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;

/**
 * {@code v3electionpb.Election}: etcd's election recipe run inside the member. A candidate for
 * {@code name} under lease {@code L} is the key {@code name/hex(L)} holding its proclaimed value;
 * the leader is the candidate whose key was created first. Errors are etcd's texts, sent as etcd
 * sends them (plain errors: code Unknown).
 */
public final class ElectionService extends ElectionGrpc.ElectionImplBase {
  static final String NOT_LEADER = "election: not leader";
  static final String NO_LEADER = "election: no leader";
  static final String MISSING_LEADER_KEY = "\"leader\" field must be provided";

  private final Ops ops;
  private final RevisionPoller poller;

  public ElectionService(EtcdServer server, RevisionPoller poller) {
    this.ops = new Ops(server);
    this.poller = poller;
  }

  @Override
  public void campaign(CampaignRequest request, StreamObserver<CampaignResponse> out) {
    if (!permitted(Keys.prefix(request.getName()), true, out)) {
      return;
    }
    PendingCall<CampaignResponse> call = new PendingCall<>(out);
    ByteString prefix = Keys.prefix(request.getName());
    ops.session(request.getLease())
        .thenCompose(lease -> enter(call, request, prefix, lease))
        .whenComplete(
            (v, e) -> {
              if (e != null) {
                call.fail(e);
              }
            });
  }

  private CompletableFuture<Void> enter(
      PendingCall<CampaignResponse> call, CampaignRequest request, ByteString prefix, long lease) {
    ByteString key = Keys.contender(prefix, lease);
    TxnRequest t =
        TxnRequest.newBuilder()
            .addCompare(Ops.createdAt(key, 0))
            .addSuccess(Ops.put(key, request.getValue(), lease))
            .addFailure(Ops.get(key))
            .build();
    return ops.txn(t)
        .thenCompose(
            resp -> {
              if (resp.getSucceeded()) {
                return CompletableFuture.completedFuture(
                    new Candidate(request.getName(), prefix, key, resp.getHeader().getRevision(),
                        lease, resp.getHeader()));
              }
              KeyValue existing = resp.getResponses(0).getResponseRange().getKvs(0);
              Candidate c =
                  new Candidate(request.getName(), prefix, key, existing.getCreateRevision(), lease,
                      resp.getHeader());
              if (existing.getValue().equals(request.getValue())) {
                return CompletableFuture.completedFuture(c);
              }
              // Already a candidate under this lease: take the new value, as etcd does.
              return ops.putIfCreatedAt(key, c.rev, request.getValue(), lease)
                  .handle(
                      (p, e) -> {
                        if (e == null && p.getSucceeded()) {
                          return CompletableFuture.completedFuture(c);
                        }
                        ops.quietly(ops.deleteIfCreatedAt(key, c.rev), "resigning");
                        return CompletableFuture.<Candidate>failedFuture(
                            e != null ? e : Ops.plain(NOT_LEADER));
                      })
                  .thenCompose(f -> f);
            })
        .thenAccept(c -> await(call, c));
  }

  private record Candidate(
      ByteString name, ByteString prefix, ByteString key, long rev, long lease,
      ResponseHeader header) {}

  private void await(PendingCall<CampaignResponse> call, Candidate c) {
    // A client that goes away stops campaigning (etcd resigns on a cancelled campaign).
    call.cleanupOnCancel(
        () -> ops.quietly(ops.deleteIfCreatedAt(c.key, c.rev), "resigning an abandoned campaign"));
    if (call.isCancelled()) {
      return;
    }
    CampaignResponse won =
        CampaignResponse.newBuilder()
            .setHeader(ops.header(c.header))
            .setLeader(
                LeaderKey.newBuilder()
                    .setName(c.name)
                    .setKey(c.key)
                    .setRev(c.rev)
                    .setLease(c.lease))
            .build();
    call.waitingOn(
        poller.register(
            new Turn(
                ops.server.store(),
                ops.server.lessor(),
                c.prefix,
                c.key,
                c.rev,
                c.lease,
                Ops.plain(NOT_LEADER),
                new Turn.Outcome() {
                  @Override
                  public void acquired(long revision) {
                    // etcd answers with the header of the campaign's first transaction.
                    call.reply(won);
                  }

                  @Override
                  public void failed(Throwable error) {
                    call.fail(error);
                  }
                })));
  }

  @Override
  public void proclaim(ProclaimRequest request, StreamObserver<ProclaimResponse> out) {
    PendingCall<ProclaimResponse> call = new PendingCall<>(out);
    if (!request.hasLeader()) {
      call.fail(Ops.plain(MISSING_LEADER_KEY));
      return;
    }
    LeaderKey l = request.getLeader();
    if (!permitted(l.getKey(), true, out)) {
      return;
    }
    ops.putIfCreatedAt(l.getKey(), l.getRev(), request.getValue(), l.getLease())
        .whenComplete(
            (r, e) -> {
              if (e != null) {
                call.fail(e);
              } else if (!r.getSucceeded()) {
                call.fail(Ops.plain(NOT_LEADER));
              } else {
                call.reply(
                    ProclaimResponse.newBuilder().setHeader(ops.header(r.getHeader())).build());
              }
            });
  }

  @Override
  public void resign(ResignRequest request, StreamObserver<ResignResponse> out) {
    PendingCall<ResignResponse> call = new PendingCall<>(out);
    if (!request.hasLeader()) {
      call.fail(Ops.plain(MISSING_LEADER_KEY));
      return;
    }
    LeaderKey l = request.getLeader();
    if (!permitted(l.getKey(), true, out)) {
      return;
    }
    ops.deleteIfCreatedAt(l.getKey(), l.getRev())
        .whenComplete(
            (r, e) -> {
              if (e != null) {
                call.fail(e);
              } else {
                call.reply(ResignResponse.newBuilder().setHeader(ops.header(r.getHeader())).build());
              }
            });
  }

  @Override
  public void leader(LeaderRequest request, StreamObserver<LeaderResponse> out) {
    if (!permitted(Keys.prefix(request.getName()), false, out)) {
      return;
    }
    RangeResult rr;
    try {
      rr = ops.server.store().range(Keys.prefixRange(Keys.prefix(request.getName())), 0, 0, false);
    } catch (RuntimeException e) {
      out.onError(Ops.toClient(e));
      return;
    }
    KeyValue first = Keys.firstCreated(rr.kvs());
    if (first == null) {
      out.onError(Ops.plain(NO_LEADER));
      return;
    }
    out.onNext(LeaderResponse.newBuilder().setHeader(ops.header(rr.revision())).setKv(first).build());
    out.onCompleted();
  }

  @Override
  public void observe(LeaderRequest request, StreamObserver<LeaderResponse> out) {
    if (!permitted(Keys.prefix(request.getName()), false, out)) {
      return;
    }
    Observation o =
        new Observation(ops.server.store(), Keys.prefix(request.getName()),
            (kv, revision) ->
                out.onNext(
                    LeaderResponse.newBuilder().setHeader(ops.header(revision)).setKv(kv).build()));
    if (out instanceof ServerCallStreamObserver<LeaderResponse> s) {
      s.setOnCancelHandler(o::cancel);
    }
    poller.register(o);
  }

  /** Auth: the caller needs {@code read} (and {@code write}) on the keys below {@code prefix}. */
  private boolean permitted(
      ByteString prefix, boolean write, io.grpc.stub.StreamObserver<?> out) {
    try {
      var a = ops.server.authorizer();
      if (write) {
        a.checkReadWrite(prefix, Keys.prefixEnd(prefix));
      } else {
        a.checkRange(prefix, Keys.prefixEnd(prefix));
      }
      return true;
    } catch (RuntimeException e) {
      out.onError(io.cairn.server.api.GrpcErrors.toStatus(e));
      return false;
    }
  }
}
