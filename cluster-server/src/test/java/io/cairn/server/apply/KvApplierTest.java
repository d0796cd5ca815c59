package io.cairn.server.apply;

import static io.cairn.server.apply.KvFixture.bs;
import static io.cairn.server.apply.KvFixture.create;
import static io.cairn.server.apply.KvFixture.mod;
import static io.cairn.server.apply.KvFixture.opDelete;
import static io.cairn.server.apply.KvFixture.opGet;
import static io.cairn.server.apply.KvFixture.opPut;
import static io.cairn.server.apply.KvFixture.opTxn;
import static io.cairn.server.apply.KvFixture.refusal;
import static io.cairn.server.apply.KvFixture.str;
import static io.cairn.server.apply.KvFixture.value;
import static io.cairn.server.apply.KvFixture.version;
import static io.etcd.jetcd.api.Compare.CompareResult.EQUAL;
import static io.etcd.jetcd.api.Compare.CompareResult.GREATER;
import static io.etcd.jetcd.api.Compare.CompareResult.LESS;
import static io.etcd.jetcd.api.Compare.CompareResult.NOT_EQUAL;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.UnknownFieldSet;
import io.cairn.server.errors.EtcdError;
import io.cairn.server.mvcc.ReadView;
import io.cairn.server.mvcc.WriteBatch;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.CompactionRequest;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.DeleteRangeResponse;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.PutResponse;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.ResponseOp;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** etcd 3.5's KV and transaction semantics, applied through {@link KvApplier} to a real store. */
class KvApplierTest {
  @TempDir Path dir;
  private KvFixture kv;

  @BeforeAll
  static void quietCompactionLog() {
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.cairn.server.mvcc"))
        .setLevel(ch.qos.logback.classic.Level.WARN);
  }

  @BeforeEach
  void open() {
    kv = new KvFixture(dir);
  }

  @AfterEach
  void close() {
    kv.close();
  }

  private boolean holds(Compare... compares) {
    TxnResponse r = kv.txn(TxnRequest.newBuilder().addAllCompare(List.of(compares)).build());
    return r.getSucceeded();
  }

  // ---- compares ----

  @Test
  void valueCompareOnMissingKeyIsAlwaysFalse() {
    assertThat(holds(value("missing", EQUAL, ""))).isFalse();
    assertThat(holds(value("missing", NOT_EQUAL, "x"))).isFalse();
    assertThat(holds(value("missing", GREATER, ""))).isFalse();
    assertThat(holds(value("missing", LESS, "zzz"))).isFalse();
  }

  @Test
  void versionCreateAndModComparesOnMissingKeyCompareAgainstZero() {
    assertThat(holds(version("missing", EQUAL, 0))).isTrue();
    assertThat(holds(create("missing", EQUAL, 0))).isTrue();
    assertThat(holds(mod("missing", EQUAL, 0))).isTrue();
    assertThat(holds(mod("missing", LESS, 1))).isTrue();
    assertThat(holds(create("missing", NOT_EQUAL, 3))).isTrue();
    assertThat(holds(version("missing", GREATER, 0))).isFalse();
    assertThat(holds(mod("missing", NOT_EQUAL, 0))).isFalse();
  }

  @Test
  void comparesOnExistingKeyUseItsValueVersionCreateAndModRevision() {
    kv.put("k", "b1"); // 2
    kv.put("other", "x"); // 3
    kv.put("k", "b2"); // 4
    for (var c :
        List.of(
            value("k", EQUAL, "b2"),
            value("k", NOT_EQUAL, "b1"),
            value("k", GREATER, "b1"),
            value("k", LESS, "b3"),
            version("k", EQUAL, 2),
            version("k", GREATER, 1),
            version("k", LESS, 3),
            version("k", NOT_EQUAL, 1),
            create("k", EQUAL, 2),
            create("k", LESS, 3),
            create("k", GREATER, 1),
            create("k", NOT_EQUAL, 4),
            mod("k", EQUAL, 4),
            mod("k", GREATER, 3),
            mod("k", LESS, 5),
            mod("k", NOT_EQUAL, 2))) {
      assertThat(holds(c)).as("%s", c).isTrue();
    }
    for (var c :
        List.of(
            value("k", EQUAL, "b1"),
            value("k", LESS, "b2"),
            version("k", EQUAL, 1),
            create("k", EQUAL, 4),
            mod("k", EQUAL, 2),
            mod("k", GREATER, 4))) {
      assertThat(holds(c)).as("%s", c).isFalse();
    }
  }

  @Test
  void valueCompareIsByUnsignedBytes() {
    kv.put("k", "\u00ff");
    assertThat(holds(value("k", GREATER, "a"))).isTrue();
    assertThat(holds(value("k", LESS, "\u00ff\u0000"))).isTrue();
  }

  @Test
  void rangeCompareHoldsOnlyWhenEveryKeyInTheRangeMatches() {
    kv.put("a1", "x");
    kv.put("a2", "x");
    kv.put("a3", "y");
    Compare upToA3 = value("a1", EQUAL, "x").toBuilder().setRangeEnd(bs("a3")).build();
    Compare upToA4 = value("a1", EQUAL, "x").toBuilder().setRangeEnd(bs("a4")).build();
    Compare fromA1 = value("a1", EQUAL, "x").toBuilder().setRangeEnd(bs("\0")).build();
    assertThat(holds(upToA3)).isTrue();
    assertThat(holds(upToA4)).isFalse();
    assertThat(holds(fromA1)).isFalse();
    Compare versions = version("a", EQUAL, 1).toBuilder().setRangeEnd(bs("b")).build();
    assertThat(holds(versions)).isTrue();
    // An empty range behaves like a missing key.
    Compare empty = version("b", EQUAL, 0).toBuilder().setRangeEnd(bs("c")).build();
    assertThat(holds(empty)).isTrue();
    Compare emptyValue = value("b", EQUAL, "").toBuilder().setRangeEnd(bs("c")).build();
    assertThat(holds(emptyValue)).isFalse();
  }

  @Test
  void everyCompareMustHoldForTheSuccessBranch() {
    kv.put("a", "1");
    assertThat(holds(value("a", EQUAL, "1"), version("a", EQUAL, 1))).isTrue();
    assertThat(holds(value("a", EQUAL, "1"), version("a", EQUAL, 2))).isFalse();
    assertThat(holds()).as("no compares").isTrue();
  }

  @Test
  void leaseCompareUsesTheKeysLease() {
    kv.put(PutRequest.newBuilder().setKey(bs("k")).setValue(bs("v")).setLease(5).build());
    assertThat(holds(lease("k", EQUAL, 5))).isTrue();
    assertThat(holds(lease("k", EQUAL, 9))).isFalse();
    assertThat(holds(lease("missing", EQUAL, 0))).isTrue();
  }

  /** etcd's {@code Compare.LEASE} target (4) with {@code lease} in field 8. */
  private static Compare lease(String key, Compare.CompareResult result, long lease) {
    return Compare.newBuilder()
        .setKey(bs(key))
        .setResult(result)
        .setTargetValue(4)
        .setUnknownFields(
            UnknownFieldSet.newBuilder()
                .addField(8, UnknownFieldSet.Field.newBuilder().addVarint(lease).build())
                .build())
        .build();
  }

  // ---- branches and nesting ----

  @Test
  void successBranchRunsWhenComparesHoldAndFailureBranchOtherwise() {
    kv.put("flag", "on");
    TxnRequest t =
        TxnRequest.newBuilder()
            .addCompare(value("flag", EQUAL, "on"))
            .addSuccess(opPut("then", "1"))
            .addSuccess(opGet("flag"))
            .addFailure(opPut("else", "1"))
            .build();
    TxnResponse ok = kv.txn(t);
    assertThat(ok.getSucceeded()).isTrue();
    assertThat(ok.getResponsesList())
        .extracting(ResponseOp::getResponseCase)
        .containsExactly(ResponseOp.ResponseCase.RESPONSE_PUT, ResponseOp.ResponseCase.RESPONSE_RANGE);
    assertThat(ok.getResponses(1).getResponseRange().getKvs(0).getValue()).isEqualTo(bs("on"));
    assertThat(kv.get("then")).isNotNull();
    assertThat(kv.get("else")).isNull();

    kv.put("flag", "off");
    TxnResponse no = kv.txn(t);
    assertThat(no.getSucceeded()).isFalse();
    assertThat(no.getResponsesList())
        .extracting(ResponseOp::getResponseCase)
        .containsExactly(ResponseOp.ResponseCase.RESPONSE_PUT);
    assertThat(kv.get("else")).isNotNull();
  }

  @Test
  void nestedTxnAnswersWithItsOwnSucceededFlagAndTheResponsesOfItsBranch() {
    kv.put("a", "1"); // 2
    TxnRequest inner =
        TxnRequest.newBuilder()
            .addCompare(value("a", EQUAL, "nope"))
            .addSuccess(opPut("x", "then"))
            .addFailure(opPut("x", "else"))
            .addFailure(opGet("a"))
            .build();
    TxnRequest outer =
        TxnRequest.newBuilder()
            .addCompare(value("a", EQUAL, "1"))
            .addSuccess(opTxn(inner))
            .addSuccess(opPut("y", "1"))
            .build();
    TxnResponse r = kv.txn(outer);
    assertThat(r.getSucceeded()).isTrue();
    assertThat(r.getHeader().getRevision()).isEqualTo(3);
    assertThat(r.getResponsesCount()).isEqualTo(2);
    ResponseOp nestedOp = r.getResponses(0);
    assertThat(nestedOp.getResponseCase()).isEqualTo(ResponseOp.ResponseCase.RESPONSE_TXN);
    TxnResponse nested = nestedOp.getResponseTxn();
    assertThat(nested.getSucceeded()).isFalse();
    assertThat(nested.getResponsesList())
        .extracting(ResponseOp::getResponseCase)
        .containsExactly(ResponseOp.ResponseCase.RESPONSE_PUT, ResponseOp.ResponseCase.RESPONSE_RANGE);
    // etcd gives a nested transaction an empty header of its own.
    assertThat(nested.hasHeader()).isTrue();
    assertThat(nested.getHeader().getRevision()).isZero();
    assertThat(nested.getResponses(0).getResponsePut().getHeader().getRevision()).isEqualTo(3);
    assertThat(str(kv.get("x").getValue())).isEqualTo("else");
    assertThat(kv.get("x").getModRevision()).isEqualTo(3);
    assertThat(kv.get("y").getModRevision()).isEqualTo(3);
  }

  @Test
  void nestedComparesAreDecidedOnTheStateBeforeTheTxnWrites() {
    kv.put("k", "old");
    TxnRequest inner =
        TxnRequest.newBuilder()
            .addCompare(value("k", EQUAL, "old"))
            .addSuccess(opPut("seen", "old"))
            .addFailure(opPut("seen", "new"))
            .build();
    TxnRequest outer =
        TxnRequest.newBuilder().addSuccess(opPut("k", "new")).addSuccess(opTxn(inner)).build();
    TxnResponse r = kv.txn(outer);
    assertThat(r.getResponses(1).getResponseTxn().getSucceeded()).isTrue();
    assertThat(str(kv.get("seen").getValue())).isEqualTo("old");
  }

  @Test
  void allWritesOfOneTxnShareOneRevision() {
    kv.put("c", "1"); // 2
    kv.put("a", "0"); // 3
    TxnRequest t =
        TxnRequest.newBuilder()
            .addSuccess(opPut("a", "1"))
            .addSuccess(opPut("b", "1"))
            .addSuccess(opDelete("c", ""))
            .addSuccess(opGet("a"))
            .build();
    TxnResponse r = kv.txn(t);
    assertThat(r.getHeader().getRevision()).isEqualTo(4);
    assertThat(kv.revision()).isEqualTo(4);
    assertThat(r.getResponses(0).getResponsePut().getHeader().getRevision()).isEqualTo(4);
    assertThat(r.getResponses(1).getResponsePut().getHeader().getRevision()).isEqualTo(4);
    assertThat(r.getResponses(2).getResponseDeleteRange().getHeader().getRevision()).isEqualTo(4);
    assertThat(r.getResponses(2).getResponseDeleteRange().getDeleted()).isEqualTo(1);
    // A read after the writes sees them, at the revision being written.
    var read = r.getResponses(3).getResponseRange();
    assertThat(read.getHeader().getRevision()).isEqualTo(4);
    assertThat(read.getKvs(0).getValue()).isEqualTo(bs("1"));
    KeyValue a = kv.get("a");
    KeyValue b = kv.get("b");
    assertThat(a.getModRevision()).isEqualTo(4);
    assertThat(a.getCreateRevision()).isEqualTo(3);
    assertThat(a.getVersion()).isEqualTo(2);
    assertThat(b.getModRevision()).isEqualTo(4);
    assertThat(b.getCreateRevision()).isEqualTo(4);
    assertThat(b.getVersion()).isEqualTo(1);
    assertThat(kv.get("c")).isNull();
  }

  @Test
  void txnWhoseCompareFailsWithOnlyReadsDoesNotBumpTheRevision() {
    kv.put("a", "1"); // 2
    TxnResponse r =
        kv.txn(
            TxnRequest.newBuilder()
                .addCompare(value("a", EQUAL, "2"))
                .addSuccess(opPut("a", "2"))
                .addFailure(opGet("a"))
                .build());
    assertThat(r.getSucceeded()).isFalse();
    assertThat(r.getHeader().getRevision()).isEqualTo(2);
    assertThat(r.getResponses(0).getResponseRange().getHeader().getRevision()).isEqualTo(2);
    assertThat(kv.revision()).isEqualTo(2);
  }

  @Test
  void txnWhoseOnlyWriteDeletesNothingDoesNotBumpTheRevision() {
    kv.put("a", "1"); // 2
    TxnResponse r = kv.txn(TxnRequest.newBuilder().addSuccess(opDelete("zz", "")).build());
    assertThat(r.getHeader().getRevision()).isEqualTo(2);
    assertThat(r.getResponses(0).getResponseDeleteRange().getDeleted()).isZero();
    assertThat(kv.revision()).isEqualTo(2);
  }

  @Test
  void readOnlyTxnOnAReadViewAnswersAtTheViewsRevision() {
    kv.put("a", "1"); // 2
    try (ReadView v = kv.store.readView()) {
      kv.put("a", "2"); // 3
      TxnResponse r =
          kv.applier.txn(
              v, TxnRequest.newBuilder().addCompare(value("a", EQUAL, "1")).addSuccess(opGet("a")).build());
      assertThat(r.getSucceeded()).isTrue();
      assertThat(r.getHeader().getRevision()).isEqualTo(2);
      assertThat(r.getResponses(0).getResponseRange().getKvs(0).getValue()).isEqualTo(bs("1"));
    }
  }

  @Test
  void rangeInTxnAtAFutureOrCompactedRevisionRefusesTheWholeTxn() throws Exception {
    kv.put("a", "1"); // 2
    kv.put("a", "2"); // 3
    var compaction =
        kv.apply(b -> kv.applier.compaction(b, CompactionRequest.newBuilder().setRevision(3).build(), 3));
    compaction.physical().get(10, TimeUnit.SECONDS);
    TxnRequest future =
        TxnRequest.newBuilder()
            .addSuccess(opPut("b", "1"))
            .addSuccess(opGet(RangeRequest.newBuilder().setKey(bs("a")).setRevision(4).build()))
            .build();
    assertThat(refusal(() -> kv.txn(future))).isEqualTo(EtcdError.FUTURE_REV);
    TxnRequest compacted =
        TxnRequest.newBuilder()
            .addSuccess(opPut("b", "1"))
            .addSuccess(opGet(RangeRequest.newBuilder().setKey(bs("a")).setRevision(2).build()))
            .build();
    assertThat(refusal(() -> kv.txn(compacted))).isEqualTo(EtcdError.COMPACTED);
    assertThat(kv.revision()).isEqualTo(3);
    assertThat(kv.get("b")).isNull();
  }

  @Test
  void compactionAtOrBelowThePreviousOneIsCompactedAndAboveCurrentIsFutureRev() throws Exception {
    kv.put("a", "1"); // 2
    kv.apply(b -> kv.applier.compaction(b, CompactionRequest.newBuilder().setRevision(2).build(), 2))
        .physical()
        .get(10, TimeUnit.SECONDS);
    assertThat(
            refusal(
                () ->
                    kv.apply(
                        b ->
                            kv.applier.compaction(
                                b, CompactionRequest.newBuilder().setRevision(2).build(), 2))))
        .isEqualTo(EtcdError.COMPACTED);
    assertThat(
            refusal(
                () ->
                    kv.apply(
                        b ->
                            kv.applier.compaction(
                                b, CompactionRequest.newBuilder().setRevision(3).build(), 2))))
        .isEqualTo(EtcdError.FUTURE_REV);
  }

  // ---- put ----

  @Test
  void putWithPrevKvReturnsThePreviousKeyValueAndNothingForANewKey() {
    PutRequest first = PutRequest.newBuilder().setKey(bs("k")).setValue(bs("1")).setPrevKv(true).build();
    PutResponse r1 = kv.put(first);
    assertThat(r1.hasPrevKv()).isFalse();
    assertThat(r1.getHeader().getRevision()).isEqualTo(2);
    KeyValue before = kv.get("k");
    PutResponse r2 = kv.put(first.toBuilder().setValue(bs("2")).build());
    assertThat(r2.getPrevKv()).isEqualTo(before);
    assertThat(r2.getHeader().getRevision()).isEqualTo(3);
    PutResponse r3 = kv.put(first.toBuilder().setValue(bs("3")).setPrevKv(false).build());
    assertThat(r3.hasPrevKv()).isFalse();
  }

  @Test
  void putWithPrevKvInsideTxnSeesTheTxnsEarlierWrites() {
    kv.put("k", "1");
    TxnResponse r =
        kv.txn(
            TxnRequest.newBuilder()
                .addSuccess(opDelete("other", ""))
                .addSuccess(opPut(PutRequest.newBuilder().setKey(bs("k")).setValue(bs("2")).setPrevKv(true).build()))
                .build());
    assertThat(r.getResponses(1).getResponsePut().getPrevKv().getValue()).isEqualTo(bs("1"));
  }

  @Test
  void putIgnoreValueOrIgnoreLeaseOnMissingKeyFailsWithKeyNotFound() {
    PutRequest ignoreValue = PutRequest.newBuilder().setKey(bs("k")).setIgnoreValue(true).build();
    PutRequest ignoreLease =
        PutRequest.newBuilder().setKey(bs("k")).setValue(bs("v")).setIgnoreLease(true).build();
    assertThat(refusal(() -> kv.put(ignoreValue))).isEqualTo(EtcdError.KEY_NOT_FOUND);
    assertThat(refusal(() -> kv.put(ignoreLease))).isEqualTo(EtcdError.KEY_NOT_FOUND);
    assertThat(kv.revision()).isEqualTo(1);
  }

  @Test
  void putIgnoreValueOnMissingKeyInsideTxnRefusesTheWholeTxn() {
    TxnRequest t =
        TxnRequest.newBuilder()
            .addSuccess(opPut("other", "1"))
            .addSuccess(opPut(PutRequest.newBuilder().setKey(bs("k")).setIgnoreValue(true).build()))
            .build();
    assertThat(refusal(() -> kv.txn(t))).isEqualTo(EtcdError.KEY_NOT_FOUND);
    assertThat(kv.revision()).isEqualTo(1);
    assertThat(kv.get("other")).isNull();
  }

  @Test
  void putIgnoreValueKeepsTheValueAndIgnoreLeaseKeepsTheLease() {
    kv.put(PutRequest.newBuilder().setKey(bs("k")).setValue(bs("v1")).setLease(5).build());
    kv.put(PutRequest.newBuilder().setKey(bs("k")).setIgnoreValue(true).setLease(9).build());
    KeyValue a = kv.get("k");
    assertThat(a.getValue()).isEqualTo(bs("v1"));
    assertThat(a.getLease()).isEqualTo(9);
    assertThat(a.getVersion()).isEqualTo(2);
    kv.put(PutRequest.newBuilder().setKey(bs("k")).setValue(bs("v2")).setIgnoreLease(true).build());
    KeyValue b = kv.get("k");
    assertThat(b.getValue()).isEqualTo(bs("v2"));
    assertThat(b.getLease()).isEqualTo(9);
    assertThat(b.getVersion()).isEqualTo(3);
  }

  @Test
  void putWithUnknownLeaseFailsWithLeaseNotFoundAndWritesNothing() {
    PutRequest p = PutRequest.newBuilder().setKey(bs("k")).setValue(bs("v")).setLease(77).build();
    assertThat(refusal(() -> kv.put(p))).isEqualTo(EtcdError.LEASE_NOT_FOUND);
    TxnRequest t = TxnRequest.newBuilder().addSuccess(opPut("a", "1")).addSuccess(opPut(p)).build();
    assertThat(refusal(() -> kv.txn(t))).isEqualTo(EtcdError.LEASE_NOT_FOUND);
    assertThat(kv.revision()).isEqualTo(1);
    kv.put(p.toBuilder().setLease(5).build());
    assertThat(kv.get("k").getLease()).isEqualTo(5);
  }

  /**
   * etcd 3.5 looks the lease of a plain put up before anything else, so an unknown lease wins
   * over a missing key for {@code ignore_value}.
   */
  @Test
  void plainPutChecksItsLeaseBeforeIgnoreValue() {
    PutRequest p = PutRequest.newBuilder().setKey(bs("k")).setIgnoreValue(true).setLease(77).build();
    assertThat(refusal(() -> kv.put(p))).isEqualTo(EtcdError.LEASE_NOT_FOUND);
  }

  // ---- delete ----

  @Test
  void deleteWithPrevKvReturnsTheDeletedKeyValuesInKeyOrder() {
    kv.put("b", "2"); // 2
    kv.put("a", "1"); // 3
    kv.put("c", "3"); // 4
    KeyValue a = kv.get("a");
    KeyValue b = kv.get("b");
    DeleteRangeResponse r =
        kv.delete(DeleteRangeRequest.newBuilder().setKey(bs("a")).setRangeEnd(bs("c")).setPrevKv(true).build());
    assertThat(r.getDeleted()).isEqualTo(2);
    assertThat(r.getPrevKvsList()).containsExactly(a, b);
    assertThat(r.getHeader().getRevision()).isEqualTo(5);
    DeleteRangeResponse r2 =
        kv.delete(DeleteRangeRequest.newBuilder().setKey(bs("c")).build());
    assertThat(r2.getDeleted()).isEqualTo(1);
    assertThat(r2.getPrevKvsList()).isEmpty();
    assertThat(r2.getHeader().getRevision()).isEqualTo(6);
  }

  @Test
  void deleteOfNothingAnswersTheCurrentRevisionAndDoesNotBumpIt() {
    kv.put("a", "1"); // 2
    DeleteRangeResponse r =
        kv.delete(DeleteRangeRequest.newBuilder().setKey(bs("b")).setRangeEnd(bs("\0")).setPrevKv(true).build());
    assertThat(r.getDeleted()).isZero();
    assertThat(r.getHeader().getRevision()).isEqualTo(2);
    assertThat(kv.revision()).isEqualTo(2);
  }

  @Test
  void deleteAllWithZeroKeyAndZeroEndDeletesEverything() {
    kv.put("\u0000", "0");
    kv.put("a", "1");
    kv.put("\u00ff", "2");
    DeleteRangeResponse r =
        kv.delete(DeleteRangeRequest.newBuilder().setKey(bs("\0")).setRangeEnd(bs("\0")).build());
    assertThat(r.getDeleted()).isEqualTo(3);
    assertThat(kv.get("\0", "\0")).isEmpty();
  }

  @Test
  void recreatedKeyStartsAtVersionOneWithTheRecreatingRevision() {
    kv.put("k", "1"); // 2
    kv.put("k", "2"); // 3
    kv.txn(TxnRequest.newBuilder().addSuccess(opDelete("k", "")).build()); // 4
    kv.txn(TxnRequest.newBuilder().addSuccess(opPut("k", "3")).build()); // 5
    KeyValue k = kv.get("k");
    assertThat(k.getVersion()).isEqualTo(1);
    assertThat(k.getCreateRevision()).isEqualTo(5);
    assertThat(k.getModRevision()).isEqualTo(5);
    assertThat(holds(create("k", EQUAL, 5), version("k", EQUAL, 1))).isTrue();
  }

  @Test
  void linearizableRangeInsideABatchSeesEarlierRequestsOfTheBatch() {
    kv.put("a", "1");
    var r =
        kv.apply(
            (WriteBatch b) -> {
              kv.applier.put(b, PutRequest.newBuilder().setKey(bs("b")).setValue(bs("2")).build());
              return KvApplier.range(b, RangeRequest.newBuilder().setKey(bs("a")).setRangeEnd(bs("c")).build());
            });
    assertThat(r.getCount()).isEqualTo(2);
    assertThat(r.getHeader().getRevision()).isEqualTo(3);
  }
}
