package io.cairn.server.apply;

import static io.cairn.server.apply.KvFixture.bs;
import static io.cairn.server.apply.KvFixture.opDelete;
import static io.cairn.server.apply.KvFixture.opGet;
import static io.cairn.server.apply.KvFixture.opPut;
import static io.cairn.server.apply.KvFixture.opTxn;
import static io.cairn.server.apply.KvFixture.refusal;
import static io.cairn.server.apply.KvFixture.value;
import static io.etcd.jetcd.api.Compare.CompareResult.EQUAL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.cairn.server.errors.EtcdError;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.TxnRequest;
import org.junit.jupiter.api.Test;

/** The checks etcd 3.5 makes on a request before it is proposed. */
class RequestChecksTest {
  private static final int MAX_OPS = 3;

  private static EtcdError check(TxnRequest t) {
    return refusal(() -> RequestChecks.checkTxn(t, MAX_OPS));
  }

  private static void accepted(TxnRequest t) {
    assertThatCode(() -> RequestChecks.checkTxn(t, MAX_OPS)).doesNotThrowAnyException();
  }

  private static TxnRequest.Builder txn() {
    return TxnRequest.newBuilder();
  }

  private static TxnRequest.Builder nOps(int compares, int success, int failure) {
    TxnRequest.Builder t = txn();
    for (int i = 0; i < compares; i++) {
      t.addCompare(value("c" + i, EQUAL, "x"));
    }
    for (int i = 0; i < success; i++) {
      t.addSuccess(opPut("s" + i, "x"));
    }
    for (int i = 0; i < failure; i++) {
      t.addFailure(opPut("f" + i, "x"));
    }
    return t;
  }

  // ---- number of operations ----

  @Test
  void tooManyOpsCountsTheLargestOfComparesSuccessAndFailureNotTheirSum() {
    accepted(nOps(3, 3, 3).build());
    assertThat(check(nOps(4, 0, 0).build())).isEqualTo(EtcdError.TOO_MANY_OPS);
    assertThat(check(nOps(0, 4, 0).build())).isEqualTo(EtcdError.TOO_MANY_OPS);
    assertThat(check(nOps(0, 0, 4).build())).isEqualTo(EtcdError.TOO_MANY_OPS);
  }

  @Test
  void nestedTxnWithTooManyOpsIsRefused() {
    TxnRequest t = txn().addSuccess(opTxn(nOps(0, 4, 0).build())).build();
    assertThat(check(t)).isEqualTo(EtcdError.TOO_MANY_OPS);
  }

  /**
   * etcd checks a nested transaction against what its parent leaves: {@code maxTxnOps} minus the
   * parent's own count ({@code checkRequestOp(u, maxTxnOps-opc)} in etcd's v3rpc/key.go).
   */
  @Test
  void nestedTxnOpsCountAgainstWhatTheOuterTxnLeaves() {
    // Outer: 2 success ops, one a txn with 2 ops. Budget for the nested one: 3 - 2 = 1.
    TxnRequest t =
        txn()
            .addSuccess(opPut("a", "1"))
            .addSuccess(opTxn(txn().addSuccess(opPut("b", "1")).addSuccess(opPut("c", "1")).build()))
            .build();
    assertThat(check(t)).isEqualTo(EtcdError.TOO_MANY_OPS);
    // Within what is left it passes.
    accepted(
        txn()
            .addSuccess(opPut("a", "1"))
            .addSuccess(opTxn(txn().addSuccess(opPut("b", "1")).build()))
            .build());
  }

  // ---- malformed operations ----

  /** etcd refuses an op with no request set ("empty op / nil entry") with "key not found". */
  @Test
  void emptyRequestOpInTxnIsRefusedWithKeyNotFound() {
    TxnRequest t = txn().addSuccess(RequestOp.getDefaultInstance()).build();
    assertThat(check(t)).isEqualTo(EtcdError.KEY_NOT_FOUND);
  }

  @Test
  void emptyKeyInACompareIsRefusedAtAnyDepth() {
    TxnRequest top = txn().addCompare(value("", EQUAL, "x")).build();
    assertThat(check(top)).isEqualTo(EtcdError.EMPTY_KEY);
    TxnRequest nested = txn().addFailure(opTxn(txn().addCompare(value("", EQUAL, "x")).build())).build();
    assertThat(check(nested)).isEqualTo(EtcdError.EMPTY_KEY);
  }

  @Test
  void emptyKeyInAnOpIsRefused() {
    assertThat(check(txn().addSuccess(opPut("", "x")).build())).isEqualTo(EtcdError.EMPTY_KEY);
    assertThat(check(txn().addSuccess(opGet("")).build())).isEqualTo(EtcdError.EMPTY_KEY);
    assertThat(check(txn().addFailure(opDelete("", "")).build())).isEqualTo(EtcdError.EMPTY_KEY);
    assertThat(refusal(() -> RequestChecks.checkPut(PutRequest.getDefaultInstance())))
        .isEqualTo(EtcdError.EMPTY_KEY);
    assertThat(refusal(() -> RequestChecks.checkRange(RangeRequest.getDefaultInstance())))
        .isEqualTo(EtcdError.EMPTY_KEY);
    assertThat(refusal(() -> RequestChecks.checkDelete(DeleteRangeRequest.getDefaultInstance())))
        .isEqualTo(EtcdError.EMPTY_KEY);
  }

  @Test
  void ignoreValueWithAValueIsRefusedWithValueProvided() {
    PutRequest p = PutRequest.newBuilder().setKey(bs("k")).setValue(bs("v")).setIgnoreValue(true).build();
    assertThat(refusal(() -> RequestChecks.checkPut(p))).isEqualTo(EtcdError.VALUE_PROVIDED);
    assertThat(check(txn().addSuccess(KvFixture.opPut(p)).build())).isEqualTo(EtcdError.VALUE_PROVIDED);
  }

  @Test
  void ignoreLeaseWithALeaseIsRefusedWithLeaseProvided() {
    PutRequest p = PutRequest.newBuilder().setKey(bs("k")).setLease(5).setIgnoreLease(true).build();
    assertThat(refusal(() -> RequestChecks.checkPut(p))).isEqualTo(EtcdError.LEASE_PROVIDED);
  }

  @Test
  void unknownSortOrderOrTargetIsRefused() {
    RangeRequest badOrder = RangeRequest.newBuilder().setKey(bs("k")).setSortOrderValue(3).build();
    RangeRequest badTarget = RangeRequest.newBuilder().setKey(bs("k")).setSortTargetValue(5).build();
    assertThat(refusal(() -> RequestChecks.checkRange(badOrder))).isEqualTo(EtcdError.INVALID_SORT_OPTION);
    assertThat(refusal(() -> RequestChecks.checkRange(badTarget))).isEqualTo(EtcdError.INVALID_SORT_OPTION);
  }

  // ---- duplicate keys ----

  @Test
  void sameKeyPutTwiceInOneBranchIsADuplicate() {
    assertThat(check(txn().addSuccess(opPut("k", "1")).addSuccess(opPut("k", "2")).build()))
        .isEqualTo(EtcdError.DUPLICATE_KEY);
    assertThat(check(txn().addFailure(opPut("k", "1")).addFailure(opPut("k", "2")).build()))
        .isEqualTo(EtcdError.DUPLICATE_KEY);
  }

  @Test
  void sameKeyPutInSuccessAndInFailureIsAllowed() {
    accepted(txn().addSuccess(opPut("k", "1")).addFailure(opPut("k", "2")).build());
  }

  @Test
  void putAndADeleteCoveringItInOneBranchIsADuplicate() {
    assertThat(check(txn().addSuccess(opPut("k", "1")).addSuccess(opDelete("k", "")).build()))
        .isEqualTo(EtcdError.DUPLICATE_KEY);
    assertThat(check(txn().addSuccess(opDelete("a", "z")).addSuccess(opPut("k", "1")).build()))
        .isEqualTo(EtcdError.DUPLICATE_KEY);
    // The end of a delete range is exclusive.
    accepted(txn().addSuccess(opDelete("a", "k")).addSuccess(opPut("k", "1")).build());
  }

  @Test
  void overlappingDeletesAreAllowed() {
    accepted(
        txn()
            .addSuccess(opDelete("a", "m"))
            .addSuccess(opDelete("c", "z"))
            .addSuccess(opDelete("d", ""))
            .build());
  }

  @Test
  void sameKeyPutInThenAndElseOfANestedTxnIsAllowed() {
    TxnRequest nested = txn().addSuccess(opPut("k", "1")).addFailure(opPut("k", "2")).build();
    accepted(txn().addSuccess(opTxn(nested)).build());
  }

  @Test
  void keyPutByANestedTxnAndByItsParentIsADuplicate() {
    TxnRequest nested = txn().addSuccess(opPut("k", "1")).build();
    assertThat(check(txn().addSuccess(opTxn(nested)).addSuccess(opPut("k", "2")).build()))
        .isEqualTo(EtcdError.DUPLICATE_KEY);
    TxnRequest nestedElse = txn().addFailure(opPut("k", "1")).build();
    assertThat(check(txn().addSuccess(opTxn(nestedElse)).addSuccess(opPut("k", "2")).build()))
        .isEqualTo(EtcdError.DUPLICATE_KEY);
  }

  @Test
  void keyPutInTwoSiblingNestedTxnsIsADuplicate() {
    TxnRequest first = txn().addSuccess(opPut("k", "1")).build();
    TxnRequest second = txn().addFailure(opPut("k", "2")).build();
    assertThat(check(txn().addSuccess(opTxn(first)).addSuccess(opTxn(second)).build()))
        .isEqualTo(EtcdError.DUPLICATE_KEY);
  }

  @Test
  void deleteInANestedTxnCoveringAParentsPutIsADuplicate() {
    TxnRequest nested = txn().addSuccess(opDelete("a", "z")).build();
    assertThat(check(txn().addSuccess(opTxn(nested)).addSuccess(opPut("k", "1")).build()))
        .isEqualTo(EtcdError.DUPLICATE_KEY);
    TxnRequest nestedPut = txn().addSuccess(opPut("k", "1")).build();
    assertThat(check(txn().addSuccess(opDelete("k", "")).addSuccess(opTxn(nestedPut)).build()))
        .isEqualTo(EtcdError.DUPLICATE_KEY);
  }

  @Test
  void readsNeverConflict() {
    accepted(txn().addSuccess(opGet("k")).addSuccess(opGet("k")).addSuccess(opPut("k", "1")).build());
  }

  // ---- read-only ----

  @Test
  void txnIsReadOnlyOnlyWhenNoBranchAtAnyDepthWrites() {
    assertThat(RequestChecks.isReadOnly(txn().addSuccess(opGet("a")).addFailure(opGet("b")).build()))
        .isTrue();
    assertThat(RequestChecks.isReadOnly(txn().build())).isTrue();
    assertThat(RequestChecks.isReadOnly(txn().addFailure(opPut("a", "1")).build())).isFalse();
    assertThat(RequestChecks.isReadOnly(txn().addSuccess(opDelete("a", "")).build())).isFalse();
    TxnRequest deep = txn().addFailure(opTxn(txn().addSuccess(opPut("a", "1")).build())).build();
    assertThat(RequestChecks.isReadOnly(txn().addSuccess(opTxn(deep)).build())).isFalse();
    assertThat(RequestChecks.isReadOnly(txn().addSuccess(opTxn(txn().addSuccess(opGet("a")).build())).build()))
        .isTrue();
  }

  @Test
  void emptyTxnIsAccepted() {
    accepted(txn().build());
  }
}
