package io.cairn.server.apply;

import com.google.protobuf.ByteString;
import io.cairn.server.errors.EtcdError;
import io.cairn.server.errors.EtcdException;
import io.cairn.server.mvcc.KeyRange;
import io.cairn.server.mvcc.MvccException;
import io.cairn.server.mvcc.RangeResult;
import io.cairn.server.mvcc.WriteBatch;
import io.cairn.server.mvcc.TxnView;
import io.cairn.server.mvcc.WriteTxn;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.CompactionRequest;
import io.etcd.jetcd.api.CompactionResponse;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.DeleteRangeResponse;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.PutResponse;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcd.jetcd.api.ResponseOp;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongPredicate;

/**
 * Applies KV commands to the MVCC store with etcd's semantics. Runs on the apply thread inside a
 * {@link WriteBatch}. Responses carry only the revision in their header; the server fills in the
 * cluster, member and term.
 */
public final class KvApplier {
  private final LongPredicate leaseExists;
  private final LeaseHooks leases;

  /** An applier whose leases only exist or not (tests). */
  public KvApplier(LongPredicate leaseExists) {
    this(
        new LeaseHooks() {
          @Override
          public boolean exists(long lease) {
            return leaseExists.test(lease);
          }

          @Override
          public void attach(long lease, ByteString key) {}

          @Override
          public void detach(long lease, ByteString key) {}
        });
  }

  public KvApplier(LeaseHooks leases) {
    this.leases = leases;
    this.leaseExists = leases::exists;
  }

  public PutResponse put(WriteBatch batch, PutRequest p) {
    if (p.getLease() != 0 && !leaseExists.test(p.getLease())) {
      throw EtcdError.LEASE_NOT_FOUND.exception();
    }
    WriteTxn w = batch.begin();
    PutResponse resp = put(w, p);
    return resp.toBuilder().setHeader(header(w.currentRevision())).build();
  }

  private PutResponse put(TxnView w, PutRequest p) {
    ByteString value = p.getValue();
    long lease = p.getLease();
    KeyValue prev = null;
    if (p.getIgnoreValue() || p.getIgnoreLease() || p.getPrevKv()) {
      RangeResult rr = w.range(KeyRange.of(p.getKey(), ByteString.EMPTY), 0, 0, false);
      if (!rr.kvs().isEmpty()) {
        prev = rr.kvs().get(0);
      }
      if ((p.getIgnoreValue() || p.getIgnoreLease()) && prev == null) {
        throw EtcdError.KEY_NOT_FOUND.exception();
      }
      if (p.getIgnoreValue()) {
        value = prev.getValue();
      }
      if (p.getIgnoreLease()) {
        lease = prev.getLease();
      }
    }
    if (lease != 0 && !leaseExists.test(lease)) {
      throw EtcdError.LEASE_NOT_FOUND.exception();
    }
    KeyValue replaced = w.put(p.getKey(), value, lease);
    if (replaced != null && replaced.getLease() != lease) {
      leases.detach(replaced.getLease(), p.getKey());
    }
    leases.attach(lease, p.getKey());
    PutResponse.Builder resp = PutResponse.newBuilder().setHeader(header(w.revision()));
    if (p.getPrevKv() && prev != null) {
      resp.setPrevKv(prev);
    }
    return resp.build();
  }

  public DeleteRangeResponse deleteRange(WriteBatch batch, DeleteRangeRequest d) {
    WriteTxn w = batch.begin();
    return deleteRange(w, d);
  }

  private DeleteRangeResponse deleteRange(TxnView w, DeleteRangeRequest d) {
    List<KeyValue> deleted = w.deleteRange(KeyRange.of(d.getKey(), d.getRangeEnd()));
    for (KeyValue kv : deleted) {
      leases.detach(kv.getLease(), kv.getKey());
    }
    DeleteRangeResponse.Builder resp =
        DeleteRangeResponse.newBuilder()
            .setDeleted(deleted.size())
            .setHeader(header(w.currentRevision()));
    if (d.getPrevKv()) {
      resp.addAllPrevKvs(deleted);
    }
    return resp.build();
  }

  public TxnResponse txn(WriteBatch batch, TxnRequest t) {
    return txn(batch.begin(), t);
  }

  /** Runs {@code t} against {@code w}: a write in progress, or a read view for read-only ones. */
  public TxnResponse txn(TxnView w, TxnRequest t) {
    // Decide every branch first, against the state before the transaction, then check what the
    // chosen path needs, so that a failing transaction writes nothing.
    List<Boolean> path = new ArrayList<>();
    choosePath(w, t, path);
    checkPath(w, t, path, new int[] {0});
    TxnResponse resp = applyTxn(w, t, path, new int[] {0});
    return resp.toBuilder().setHeader(header(w.currentRevision())).build();
  }

  private void choosePath(TxnView w, TxnRequest t, List<Boolean> path) {
    boolean ok = true;
    for (Compare c : t.getCompareList()) {
      if (!compare(w, c)) {
        ok = false;
        break;
      }
    }
    path.add(ok);
    for (RequestOp op : ok ? t.getSuccessList() : t.getFailureList()) {
      if (op.hasRequestTxn()) {
        choosePath(w, op.getRequestTxn(), path);
      }
    }
  }

  private void checkPath(TxnView w, TxnRequest t, List<Boolean> path, int[] at) {
    boolean ok = path.get(at[0]++);
    for (RequestOp op : ok ? t.getSuccessList() : t.getFailureList()) {
      switch (op.getRequestCase()) {
        case REQUEST_RANGE -> {
          long rev = op.getRequestRange().getRevision();
          if (rev > w.currentRevision()) {
            throw EtcdError.FUTURE_REV.exception();
          }
          if (rev > 0 && rev < w.compactRevision()) {
            throw EtcdError.COMPACTED.exception();
          }
        }
        case REQUEST_PUT -> {
          PutRequest p = op.getRequestPut();
          if (p.getIgnoreValue() || p.getIgnoreLease()) {
            RangeResult rr = w.range(KeyRange.of(p.getKey(), ByteString.EMPTY), 0, 0, true);
            if (rr.count() == 0) {
              throw EtcdError.KEY_NOT_FOUND.exception();
            }
          }
          long lease = p.getLease();
          if (lease != 0 && !leaseExists.test(lease)) {
            throw EtcdError.LEASE_NOT_FOUND.exception();
          }
        }
        case REQUEST_TXN -> checkPath(w, op.getRequestTxn(), path, at);
        default -> {}
      }
    }
  }

  private TxnResponse applyTxn(TxnView w, TxnRequest t, List<Boolean> path, int[] at) {
    boolean ok = path.get(at[0]++);
    TxnResponse.Builder resp = TxnResponse.newBuilder().setSucceeded(ok);
    for (RequestOp op : ok ? t.getSuccessList() : t.getFailureList()) {
      ResponseOp.Builder r = ResponseOp.newBuilder();
      switch (op.getRequestCase()) {
        case REQUEST_RANGE -> r.setResponseRange(RangeExecutor.range(w, op.getRequestRange()));
        case REQUEST_PUT -> r.setResponsePut(put(w, op.getRequestPut()));
        case REQUEST_DELETE_RANGE ->
            r.setResponseDeleteRange(deleteRange(w, op.getRequestDeleteRange()));
        case REQUEST_TXN ->
            r.setResponseTxn(
                applyTxn(w, op.getRequestTxn(), path, at).toBuilder()
                    .setHeader(ResponseHeader.getDefaultInstance()));
        case REQUEST_NOT_SET -> {}
      }
      resp.addResponses(r);
    }
    return resp.build();
  }

  /**
   * etcd 3.3 added {@code LEASE = 4} to {@code Compare.CompareTarget} and {@code int64 lease = 8}
   * to its target union; the generated classes we use predate that, so both arrive as unknown
   * values and are read here by number.
   */
  static final int LEASE_TARGET = 4;

  private static final int LEASE_FIELD = 8;

  static boolean isLeaseCompare(Compare c) {
    return c.getTargetValue() == LEASE_TARGET;
  }

  static long leaseOf(Compare c) {
    var field = c.getUnknownFields().getField(LEASE_FIELD);
    return field == null || field.getVarintList().isEmpty()
        ? 0
        : field.getVarintList().get(field.getVarintList().size() - 1);
  }

  /** etcd's compare: every key in the compare's range must satisfy it. */
  private static boolean compare(TxnView w, Compare c) {
    RangeResult rr;
    try {
      rr = w.range(KeyRange.of(c.getKey(), c.getRangeEnd()), 0, 0, false);
    } catch (MvccException e) {
      return false;
    }
    if (rr.kvs().isEmpty()) {
      // A missing key has no value to compare; its revisions, version and lease are zero.
      return c.getTarget() != Compare.CompareTarget.VALUE
          && compareOne(c, KeyValue.getDefaultInstance());
    }
    for (KeyValue kv : rr.kvs()) {
      if (!compareOne(c, kv)) {
        return false;
      }
    }
    return true;
  }

  private static boolean compareOne(Compare c, KeyValue kv) {
    int result =
        switch (c.getTarget()) {
          case VALUE ->
              ByteString.unsignedLexicographicalComparator().compare(kv.getValue(), c.getValue());
          case VERSION -> Long.compare(kv.getVersion(), c.getVersion());
          case CREATE -> Long.compare(kv.getCreateRevision(), c.getCreateRevision());
          case MOD -> Long.compare(kv.getModRevision(), c.getModRevision());
          case UNRECOGNIZED ->
              c.getTargetValue() == LEASE_TARGET ? Long.compare(kv.getLease(), leaseOf(c)) : 0;
        };
    return switch (c.getResult()) {
      case EQUAL -> result == 0;
      case NOT_EQUAL -> result != 0;
      case GREATER -> result > 0;
      case LESS -> result < 0;
      case UNRECOGNIZED -> true;
    };
  }

  /** A compaction: the future completes when the compaction is on disk. */
  public record Compaction(CompactionResponse response, CompletableFuture<Void> physical) {}

  public Compaction compaction(WriteBatch batch, CompactionRequest c, long currentRevision) {
    try {
      CompletableFuture<Void> physical = batch.compact(c.getRevision());
      return new Compaction(
          CompactionResponse.newBuilder().setHeader(header(currentRevision)).build(), physical);
    } catch (MvccException e) {
      throw EtcdException.of(e);
    }
  }

  /** Range inside the apply thread, for linearizable reads that go through the log. */
  public static io.etcd.jetcd.api.RangeResponse range(WriteBatch batch, RangeRequest r) {
    return RangeExecutor.range(batch::range, r);
  }

  private static ResponseHeader header(long revision) {
    return ResponseHeader.newBuilder().setRevision(revision).build();
  }
}
