package io.cairn.server.testing.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Hand-built histories, valid ones and ones breaking each rule of the checker. */
class LinearizabilityCheckerTest {
  private final HistoryRecorder recorder = new HistoryRecorder();

  // ---- helpers: "invoke" starts an operation, "done" completes it ----

  private long invoke(int client, Op op) {
    return recorder.invoke(client, op);
  }

  private void done(long id, Result result) {
    recorder.ok(id, result);
  }

  /** An operation that completes before anything else is invoked. */
  private long sequential(int client, Op op, Result result) {
    long id = invoke(client, op);
    done(id, result);
    return id;
  }

  private CheckResult check() {
    return LinearizabilityChecker.check(recorder.history());
  }

  private void assertValid() {
    CheckResult result = check();
    assertThat(result.ok()).as("%s%n%s", result, recorder).isTrue();
  }

  /** Asserts at least one violation, and that one of them contains all {@code fragments}. */
  private void assertViolation(String... fragments) {
    CheckResult result = check();
    assertThat(result.ok()).as("expected a violation in%n%s", recorder).isFalse();
    assertThat(result.violations())
        .as("%s%n%s", result, recorder)
        .anySatisfy(v -> assertThat(v).contains(fragments));
  }

  // ---- valid histories ----

  @Test
  void sequentialHistoryIsValid() {
    sequential(0, Op.get("x"), Result.notFound(1));
    sequential(0, Op.put("x", "a"), Result.put(2));
    sequential(1, Op.get("x"), Result.found(2, "a", 2));
    sequential(0, Op.put("x", "b"), Result.put(3));
    sequential(1, Op.cas("x", "b", "c"), Result.casSucceeded(4));
    sequential(1, Op.cas("x", "b", "d"), Result.casFailed(4));
    sequential(0, Op.get("x"), Result.found(4, "c", 4));
    sequential(0, Op.delete("x"), Result.delete(5, 1));
    sequential(1, Op.get("x"), Result.notFound(5));
    sequential(1, Op.delete("x"), Result.delete(5, 0));
    sequential(1, Op.cas("x", "c", "e"), Result.casFailed(5));
    sequential(0, Op.cas("x", null, "f"), Result.casSucceeded(6));
    sequential(0, Op.cas("x", null, "g"), Result.casFailed(6));
    sequential(1, Op.put("y", "h"), Result.put(7));
    sequential(1, Op.get("x"), Result.found(7, "f", 6));
    assertValid();
  }

  @Test
  void readsOverlappingAWriteMaySeeEitherState() {
    sequential(0, Op.put("x", "a"), Result.put(2));
    long write = invoke(0, Op.put("x", "b"));
    long early = invoke(1, Op.get("x"));
    long late = invoke(2, Op.get("x"));
    long slow = invoke(3, Op.get("x"));
    done(late, Result.found(3, "b", 3)); // sees the write before it is acknowledged
    done(early, Result.found(2, "a", 2)); // invoked before the other read completed: fine
    done(write, Result.put(3));
    done(slow, Result.found(2, "a", 2)); // overlapped the write and both reads
    assertValid();
  }

  @Test
  void concurrentWritesMayBeOrderedEitherWay() {
    long first = invoke(0, Op.put("x", "a"));
    long second = invoke(1, Op.put("x", "b"));
    long cas = invoke(2, Op.cas("x", "b", "c"));
    done(second, Result.put(2));
    done(first, Result.put(4));
    done(cas, Result.casSucceeded(3));
    sequential(0, Op.get("x"), Result.found(4, "a", 4));
    assertValid();
  }

  @Test
  void revisionGapsFromUnrecordedWritesAreFine() {
    sequential(0, Op.put("x", "a"), Result.put(5));
    sequential(0, Op.get("x"), Result.found(9, "a", 5));
    sequential(0, Op.cas("x", "a", "b"), Result.casSucceeded(12));
    assertValid();
  }

  // ---- rule 1: unique, positive write revisions ----

  @Test
  void duplicateWriteRevisionIsReported() {
    long a = invoke(0, Op.put("x", "a"));
    long b = invoke(1, Op.put("y", "b"));
    done(a, Result.put(2));
    done(b, Result.put(2));
    assertViolation("two writes took effect at revision 2", "#0", "#1");
  }

  @Test
  void nonPositiveRevisionIsReported() {
    sequential(0, Op.put("x", "a"), Result.put(0));
    assertViolation("non-positive revision 0");
  }

  // ---- rule 2: real-time order ----

  @Test
  void staleReadAfterCompletedWriteIsReported() {
    sequential(0, Op.put("x", "a"), Result.put(2));
    sequential(0, Op.put("y", "b"), Result.put(3));
    sequential(1, Op.get("x"), Result.found(2, "a", 2)); // right value, but header 2 < 3
    assertViolation("real-time order", "#2", "#1", "below 3");
  }

  @Test
  void writeAfterCompletedWriteMustHaveHigherRevision() {
    sequential(0, Op.put("x", "a"), Result.put(3));
    sequential(1, Op.put("y", "b"), Result.put(2));
    assertViolation("real-time order", "not above 3");
  }

  @Test
  void writeAfterCompletedReadMustHaveHigherRevision() {
    sequential(0, Op.get("y"), Result.notFound(5));
    sequential(1, Op.put("x", "a"), Result.put(5));
    assertViolation("real-time order", "not above 5");
  }

  @Test
  void failedCasCountsAsReadForRealTimeOrder() {
    sequential(0, Op.put("x", "a"), Result.put(4));
    sequential(1, Op.cas("y", "q", "r"), Result.casFailed(3));
    assertViolation("real-time order", "below 4");
  }

  // ---- rule 3: reads see the latest write at their revision ----

  @Test
  void readOfOverwrittenValueIsReported() {
    sequential(0, Op.put("x", "a"), Result.put(2));
    long read = invoke(1, Op.get("x"));
    sequential(0, Op.put("x", "b"), Result.put(3));
    done(read, Result.found(3, "a", 2)); // at revision 3 the value is b
    assertViolation("#1", "returned a", "overwrote it at revision 3");
  }

  @Test
  void readOfDeletedValueIsReported() {
    sequential(0, Op.put("x", "a"), Result.put(2));
    sequential(0, Op.delete("x"), Result.delete(3, 1));
    sequential(1, Op.get("x"), Result.found(3, "a", 2));
    assertViolation("overwrote it at revision 3");
  }

  @Test
  void readOfValueNeverWrittenIsReported() {
    sequential(0, Op.put("x", "a"), Result.put(2));
    sequential(1, Op.get("x"), Result.found(2, "zzz", 2));
    assertViolation("returned zzz, which no operation wrote");
  }

  @Test
  void readOfValueWrittenToAnotherKeyIsReported() {
    sequential(0, Op.put("y", "a"), Result.put(2));
    sequential(1, Op.get("x"), Result.found(2, "a", 2));
    assertViolation("to another key");
  }

  @Test
  void readOfFailedWriteIsReported() {
    long put = invoke(0, Op.put("x", "a"));
    recorder.fail(put);
    sequential(1, Op.get("x"), Result.found(2, "a", 2));
    assertViolation("returned a", "did not take effect");
  }

  @Test
  void readOfValueOfCasWhoseCompareFailedIsReported() {
    sequential(0, Op.cas("x", "nope", "a"), Result.casFailed(1));
    sequential(1, Op.get("x"), Result.found(2, "a", 2));
    assertViolation("did not take effect");
  }

  @Test
  void readWithWrongModRevisionIsReported() {
    sequential(0, Op.put("x", "a"), Result.put(2));
    sequential(1, Op.get("x"), Result.found(3, "a", 3));
    assertViolation("took effect at revision 2");
  }

  @Test
  void modRevisionAboveHeaderIsReported() {
    long put = invoke(0, Op.put("x", "a"));
    long read = invoke(1, Op.get("x"));
    done(read, Result.found(2, "a", 3));
    done(put, Result.put(3));
    assertViolation("mod revision 3 outside (0, 2]");
  }

  @Test
  void missingKeyAfterCompletedWriteIsReported() {
    sequential(0, Op.put("x", "a"), Result.put(2));
    sequential(1, Op.get("x"), Result.notFound(2));
    assertViolation("found no value at revision 2", "#0");
  }

  @Test
  void missingKeyAfterDeleteIsFine() {
    sequential(0, Op.put("x", "a"), Result.put(2));
    sequential(0, Op.delete("x"), Result.delete(3, 1));
    sequential(1, Op.get("x"), Result.notFound(4));
    assertValid();
  }

  @Test
  void missingKeyIsFineWhenAnUnknownDeleteMayHaveRemovedIt() {
    sequential(0, Op.put("x", "a"), Result.put(2));
    recorder.unknown(invoke(0, Op.delete("x")));
    sequential(1, Op.get("x"), Result.notFound(3));
    assertValid();
  }

  @Test
  void unknownDeleteInvokedAfterTheReadDoesNotExplainAMissingKey() {
    sequential(0, Op.put("x", "a"), Result.put(2));
    sequential(1, Op.get("x"), Result.notFound(3));
    recorder.unknown(invoke(0, Op.delete("x")));
    assertViolation("found no value at revision 3");
  }

  // ---- indeterminate writes ----

  @Test
  void unknownWriteObservedLaterIsFine() {
    long put = invoke(0, Op.put("x", "a"));
    recorder.unknown(put); // client timed out; the write was applied later
    sequential(1, Op.get("x"), Result.notFound(1));
    sequential(1, Op.put("y", "b"), Result.put(2));
    sequential(1, Op.get("x"), Result.found(3, "a", 3));
    sequential(0, Op.cas("x", "a", "c"), Result.casSucceeded(4));
    sequential(1, Op.get("x"), Result.found(4, "c", 4));
    assertValid();
  }

  @Test
  void unknownWriteNeverObservedIsFine() {
    recorder.unknown(invoke(0, Op.put("x", "a")));
    recorder.unknown(invoke(0, Op.delete("y")));
    sequential(1, Op.get("x"), Result.notFound(1));
    sequential(1, Op.put("x", "b"), Result.put(3)); // revision 2 may be the lost write's
    sequential(1, Op.get("x"), Result.found(3, "b", 3));
    assertValid();
  }

  @Test
  void pendingWriteIsTreatedAsUnknown() {
    invoke(0, Op.put("x", "a")); // never completes
    sequential(1, Op.get("x"), Result.found(2, "a", 2));
    assertValid();
  }

  @Test
  void unknownWriteSeenBeforeItWasInvokedIsReported() {
    sequential(1, Op.get("x"), Result.found(2, "a", 2));
    recorder.unknown(invoke(0, Op.put("x", "a")));
    assertViolation("before that write was invoked");
  }

  @Test
  void unknownWriteSeenAtRevisionBeforeItsInvocationIsReported() {
    sequential(0, Op.put("y", "b"), Result.put(5));
    recorder.unknown(invoke(0, Op.put("x", "a")));
    sequential(1, Op.get("x"), Result.found(6, "a", 4));
    assertViolation("cannot have taken effect at revision 4", "#0");
  }

  @Test
  void unknownWriteSeenAtTwoRevisionsIsReported() {
    recorder.unknown(invoke(0, Op.put("x", "a")));
    sequential(1, Op.get("x"), Result.found(2, "a", 2));
    sequential(1, Op.get("x"), Result.found(4, "a", 3));
    assertViolation("at two revisions");
  }

  @Test
  void unknownWriteSeenAtRevisionOfAnotherWriteIsReported() {
    recorder.unknown(invoke(0, Op.put("x", "a")));
    sequential(1, Op.put("y", "b"), Result.put(2));
    sequential(1, Op.get("x"), Result.found(2, "a", 2));
    assertViolation("two writes took effect at revision 2", "seen at revision 2");
  }

  @Test
  void unknownWriteSeenOverwrittenValueIsReported() {
    sequential(0, Op.put("x", "a"), Result.put(2));
    recorder.unknown(invoke(0, Op.put("x", "b")));
    sequential(1, Op.get("x"), Result.found(3, "b", 3));
    sequential(1, Op.get("x"), Result.found(3, "a", 2)); // b is known to be at 3 now
    assertViolation("returned a", "overwrote it at revision 3");
  }

  // ---- rule 4: compare-and-swap and deletes ----

  @Test
  void casSucceedingOnWrongValueIsReported() {
    sequential(0, Op.put("x", "a"), Result.put(2));
    sequential(0, Op.put("x", "b"), Result.put(3));
    sequential(1, Op.cas("x", "a", "c"), Result.casSucceeded(4));
    assertViolation("needs value a at revision 3", "replaced it at revision 3");
  }

  @Test
  void casSucceedingOnValueNeverWrittenIsReported() {
    sequential(1, Op.cas("x", "a", "c"), Result.casSucceeded(2));
    assertViolation("no operation wrote a");
  }

  @Test
  void casSucceedingOnFailedWriteIsReported() {
    recorder.fail(invoke(0, Op.put("x", "a")));
    sequential(1, Op.cas("x", "a", "c"), Result.casSucceeded(2));
    assertViolation("did not take effect");
  }

  @Test
  void casExpectingAbsenceWhileKeyPresentIsReported() {
    sequential(0, Op.put("x", "a"), Result.put(2));
    sequential(1, Op.cas("x", null, "c"), Result.casSucceeded(3));
    assertViolation("needs the key absent at revision 2");
  }

  @Test
  void casOnValueOfUnknownWriteIsFine() {
    recorder.unknown(invoke(0, Op.put("x", "a")));
    sequential(1, Op.cas("x", "a", "b"), Result.casSucceeded(3));
    sequential(1, Op.get("x"), Result.found(3, "b", 3));
    assertValid();
  }

  @Test
  void casOnValueOfUnknownWriteInvokedLaterIsReported() {
    sequential(1, Op.cas("x", "a", "b"), Result.casSucceeded(3));
    recorder.unknown(invoke(0, Op.put("x", "a")));
    assertViolation("outcome unknown", "cannot have taken effect in (0, 2]");
  }

  @Test
  void casFailingAlthoughValueMatchedIsReported() {
    sequential(0, Op.put("x", "a"), Result.put(2));
    sequential(1, Op.cas("x", "a", "b"), Result.casFailed(2));
    assertViolation("needs a value other than a at revision 2");
  }

  @Test
  void casFailingIsFineWhenAnUnknownWriteMayHaveIntervened() {
    sequential(0, Op.put("x", "a"), Result.put(2));
    recorder.unknown(invoke(0, Op.put("x", "z")));
    sequential(1, Op.cas("x", "a", "b"), Result.casFailed(3));
    assertValid();
  }

  @Test
  void casExpectingAbsenceFailingOnAbsentKeyIsReported() {
    sequential(0, Op.put("x", "a"), Result.put(2));
    sequential(0, Op.delete("x"), Result.delete(3, 1));
    sequential(1, Op.cas("x", null, "b"), Result.casFailed(3));
    assertViolation("needs the key present at revision 3", "deleted it at revision 3");
  }

  @Test
  void deleteOfAbsentKeyIsReported() {
    sequential(0, Op.delete("x"), Result.delete(2, 1));
    assertViolation("needs the key present at revision 1", "no write of it took effect");
  }

  @Test
  void deleteFindingNothingWhileKeyPresentIsReported() {
    sequential(0, Op.put("x", "a"), Result.put(2));
    sequential(1, Op.delete("x"), Result.delete(2, 0));
    assertViolation("deleted nothing at revision 2");
  }

  // ---- rule 5: input sanity ----

  @Test
  void clientWithTwoOutstandingOperationsIsAnInputError() {
    invoke(0, Op.put("x", "a"));
    invoke(0, Op.get("x"));
    assertViolation("input:", "client 0");
  }

  @Test
  void valueWrittenTwiceIsAnInputError() {
    sequential(0, Op.put("x", "a"), Result.put(2));
    sequential(0, Op.put("x", "a"), Result.put(3));
    assertViolation("input:", "must be unique");
  }

  @Test
  void assertLinearizableThrowsWithViolationsAndHistory() {
    sequential(0, Op.put("x", "a"), Result.put(2));
    sequential(1, Op.get("x"), Result.notFound(2));
    assertThatThrownBy(() -> LinearizabilityChecker.assertLinearizable(recorder.history()))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("1 linearizability violation")
        .hasMessageContaining("#1 c1 [3..4] Get(x) -> ok rev=2 not found");
  }
}
