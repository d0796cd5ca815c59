package io.cairn.server.apply;

import com.google.protobuf.ByteString;
import io.cairn.server.errors.EtcdError;
import io.cairn.server.errors.EtcdException;
import io.cairn.server.mvcc.MvccStore;
import io.cairn.server.mvcc.WriteBatch;
import io.cairn.server.storage.Backend;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.DeleteRangeResponse;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.PutResponse;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.assertj.core.api.Assertions;

/**
 * A real store in a directory and the applier over it, applied the way the apply loop does it:
 * one batch per request, committed even when the request is refused.
 */
final class KvFixture implements AutoCloseable {
  static final Set<Long> LEASES = Set.of(5L, 9L);

  final Backend backend;
  final MvccStore store;
  final KvApplier applier = new KvApplier(LEASES::contains);

  KvFixture(Path dir) {
    backend = Backend.open(dir, 256L << 20);
    store = MvccStore.open(backend);
  }

  <T> T apply(Function<WriteBatch, T> request) {
    try (WriteBatch b = store.beginBatch()) {
      try {
        return request.apply(b);
      } finally {
        b.commit();
      }
    }
  }

  PutResponse put(PutRequest p) {
    return apply(b -> applier.put(b, p));
  }

  PutResponse put(String k, String v) {
    return put(PutRequest.newBuilder().setKey(bs(k)).setValue(bs(v)).build());
  }

  DeleteRangeResponse delete(DeleteRangeRequest d) {
    return apply(b -> applier.deleteRange(b, d));
  }

  TxnResponse txn(TxnRequest t) {
    return apply(b -> applier.txn(b, t));
  }

  List<KeyValue> get(String key, String end) {
    return RangeExecutor.range(
            store,
            RangeRequest.newBuilder().setKey(bs(key)).setRangeEnd(bs(end)).build())
        .getKvsList();
  }

  KeyValue get(String key) {
    List<KeyValue> kvs = get(key, "");
    return kvs.isEmpty() ? null : kvs.get(0);
  }

  long revision() {
    return store.currentRevision();
  }

  /** Runs {@code r} and returns the etcd error it was refused with. */
  static EtcdError refusal(Runnable r) {
    try {
      r.run();
    } catch (EtcdException e) {
      return e.error();
    }
    Assertions.fail("expected the request to be refused");
    return null;
  }

  @Override
  public void close() {
    store.close();
    backend.close();
  }

  // ---- request builders ----

  static ByteString bs(String s) {
    return ByteString.copyFrom(s, StandardCharsets.ISO_8859_1);
  }

  static String str(ByteString b) {
    return b.toString(StandardCharsets.ISO_8859_1);
  }

  static Compare.Builder cmp(String key, Compare.CompareResult result) {
    return Compare.newBuilder().setKey(bs(key)).setResult(result);
  }

  static Compare value(String key, Compare.CompareResult result, String v) {
    return cmp(key, result).setTarget(Compare.CompareTarget.VALUE).setValue(bs(v)).build();
  }

  static Compare version(String key, Compare.CompareResult result, long v) {
    return cmp(key, result).setTarget(Compare.CompareTarget.VERSION).setVersion(v).build();
  }

  static Compare create(String key, Compare.CompareResult result, long v) {
    return cmp(key, result).setTarget(Compare.CompareTarget.CREATE).setCreateRevision(v).build();
  }

  static Compare mod(String key, Compare.CompareResult result, long v) {
    return cmp(key, result).setTarget(Compare.CompareTarget.MOD).setModRevision(v).build();
  }

  static RequestOp opPut(String k, String v) {
    return RequestOp.newBuilder()
        .setRequestPut(PutRequest.newBuilder().setKey(bs(k)).setValue(bs(v)))
        .build();
  }

  static RequestOp opPut(PutRequest p) {
    return RequestOp.newBuilder().setRequestPut(p).build();
  }

  static RequestOp opGet(String k) {
    return RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(bs(k))).build();
  }

  static RequestOp opGet(RangeRequest r) {
    return RequestOp.newBuilder().setRequestRange(r).build();
  }

  static RequestOp opDelete(String k, String end) {
    return RequestOp.newBuilder()
        .setRequestDeleteRange(DeleteRangeRequest.newBuilder().setKey(bs(k)).setRangeEnd(bs(end)))
        .build();
  }

  static RequestOp opTxn(TxnRequest t) {
    return RequestOp.newBuilder().setRequestTxn(t).build();
  }
}
