package io.cairn.server.testing.history;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Checks a {@link History} of single-key puts, gets, deletes and compare-and-swaps against an
 * etcd-style store for linearizability, in O(n log n).
 *
 * <h2>Why revisions make this tractable</h2>
 *
 * <p>A general linearizability check searches for a total order of the operations (exponential in
 * the worst case). An etcd-style store tells us the order: every write that takes effect gets a
 * unique, strictly increasing cluster-wide revision (the position of its Raft entry), and every
 * (linearizable) read is a snapshot of the store at its header revision. So the candidate order
 * is: writes by revision, each read right after the write with its header revision, reads with
 * the same revision in invocation order. That order is a valid linearization exactly when
 *
 * <ol>
 *   <li>it is a total order of writes: no two writes share a revision, and revisions are
 *       positive;
 *   <li>it respects real time: if A completed before B was invoked then {@code rev(B) >= rev(A)},
 *       and {@code rev(B) > rev(A)} if B is a write (a write started after A finished is applied
 *       after the store reached A's revision, so it creates a newer one). A failed CAS and a delete
 *       that deleted nothing are reads at their header revision;
 *   <li>each read returns the latest write of its key at or below its header revision: a found
 *       value v at mod revision m needs the write of v to have taken effect at m, {@code m <= h},
 *       and no write of the key in {@code (m, h]}; a missing key needs the latest write at or
 *       below h to be a delete (or none);
 *   <li>each conditional write saw the state its result claims: a successful CAS at revision r
 *       needs the key's value at {@code r-1} to be the expected one (or the key absent); a failed
 *       CAS at header h needs it not to be; a delete that deleted the key at r needs the key
 *       present at {@code r-1}, one that deleted nothing needs it absent at its header revision.
 * </ol>
 *
 * <p>Rule 1 and 2 make the revision order a real-time-respecting total order; rules 3 and 4
 * check that every operation's result is what a sequential store would answer in that order.
 * Checking rule 2 against only the maximum revision completed before each invocation suffices,
 * which is a single sweep over the history sorted by time. Rules 3 and 4 are lookups in a per-key
 * map from revision to write. Values are unique per write, so a value read names its write.
 *
 * <h2>Indeterminate writes</h2>
 *
 * <p>An {@link Outcome#UNKNOWN} or {@link Outcome#PENDING} write may have taken effect at any
 * revision after everything that completed before its invocation, or never. If some read returns
 * its value with mod revision m, it took effect at m and joins the known writes (the read must
 * not have completed before the write was invoked, and m must respect rule 2 for it). A write
 * that is never observed is not placed; whenever an unplaced write could have changed the outcome
 * of a rule-3/4 check (its key, invoked before the checking operation completed, could fit in
 * the revision gap) that check is skipped. Hence the checker is sound: every reported violation
 * is a contradiction between facts that any linearization would have to satisfy. A value written
 * by a {@link Outcome#FAIL failed} write, or by a CAS whose compare failed, must never be seen.
 *
 * <h2>Deliberately not checked</h2>
 *
 * <ul>
 *   <li>whether unplaced unknown writes can be placed consistently with all checks at once (each
 *       skipped check assumes its own placement), whether an unplaced CAS's compare could have
 *       succeeded there, nor whether the revisions of known writes to other keys leave room for
 *       them (on tiny random histories, an exhaustive search finds ~2% of the violations that
 *       this misses for these reasons, see {@code LinearizabilityCheckerCrossCheckTest});
 *   <li>gaps: a header revision that no recorded write produced is allowed, because writes
 *       outside the history (other keys, leases, setup) also consume revisions. Every write to
 *       the keys used in the history must however be recorded;
 *   <li>versions, create revisions, leases, ranges, watches and serializable reads (which may be
 *       stale by design).
 * </ul>
 *
 * <p>Malformed input (duplicate ids, a value written twice, a client with two operations
 * outstanding at once) is reported as violations starting with {@code "input:"}, and nothing
 * else is checked then.
 */
public final class LinearizabilityChecker {

  private LinearizabilityChecker() {}

  /** Checks {@code history}; see the class documentation for the rules. */
  public static CheckResult check(History history) {
    return new Run(history).run();
  }

  /**
   * Checks {@code history} and throws an {@link AssertionError} listing the violations and the
   * whole history if any is found.
   */
  public static void assertLinearizable(History history) {
    CheckResult result = check(history);
    if (!result.ok()) {
      throw new AssertionError(result + "\n" + history);
    }
  }

  /** State of one check; operations are referred to by their index in {@link #ops}. */
  private static final class Run {
    private final Operation[] ops;
    private final List<String> violations = new ArrayList<>();
    /** The operation (any outcome) that writes each value, by index. */
    private final Map<String, Integer> writerOfValue = new HashMap<>();
    /** Indeterminate put/cas -> the mod revision a read saw its value at. */
    private final TreeMap<Integer, Long> observedAt = new TreeMap<>();
    /** Indeterminate put/cas -> the first read that saw its value. */
    private final Map<Integer, Integer> observedBy = new HashMap<>();
    /** Per key: revision -> write that certainly took effect at that revision. */
    private final Map<String, TreeMap<Long, Integer>> timelines = new HashMap<>();
    /** Highest revision of an OK operation completed before each operation was invoked. */
    private final long[] lowerBound;
    /** The operation that set {@link #lowerBound}, or -1. */
    private final int[] lowerBoundBy;
    /** Per key: unplaced indeterminate puts and CASes, which may make the key present. */
    private final Map<String, Unplaced> unplacedPuts = new HashMap<>();
    /** Per key: unplaced indeterminate deletes, which may make the key absent. */
    private final Map<String, Unplaced> unplacedDeletes = new HashMap<>();

    Run(History history) {
      this.ops = history.operations().toArray(new Operation[0]);
      this.lowerBound = new long[ops.length];
      this.lowerBoundBy = new int[ops.length];
    }

    CheckResult run() {
      if (!checkInput()) {
        return new CheckResult(violations);
      }
      collectObservations();
      buildTimelines();
      checkRealTimeOrder();
      checkObservedIndeterminateWrites();
      collectUnplaced();
      for (int i = 0; i < ops.length; i++) {
        if (ops[i].isOk()) {
          checkResult(i);
        }
      }
      return new CheckResult(violations);
    }

    // ---- input sanity (rule 5) ----

    private boolean checkInput() {
      Set<Long> ids = new HashSet<>();
      for (int i = 0; i < ops.length; i++) {
        if (!ids.add(ops[i].id())) {
          violations.add("input: duplicate operation id in " + ops[i]);
        }
        String value = ops[i].writtenValue();
        if (value != null) {
          Integer other = writerOfValue.putIfAbsent(value, i);
          if (other != null) {
            violations.add("input: value " + value + " is written by both " + ops[other]
                + " and " + ops[i] + "; written values must be unique");
          }
        }
      }
      Map<Integer, List<Operation>> byClient = new HashMap<>();
      for (Operation op : ops) {
        byClient.computeIfAbsent(op.client(), c -> new ArrayList<>()).add(op);
      }
      for (List<Operation> clientOps : byClient.values()) {
        clientOps.sort(Comparator.comparingLong(Operation::invokeSeq));
        for (int k = 1; k < clientOps.size(); k++) {
          Operation previous = clientOps.get(k - 1);
          Operation next = clientOps.get(k);
          if (previous.completeSeq() >= next.invokeSeq()) {
            violations.add("input: client " + next.client() + " invoked " + next
                + " while " + previous + " was still outstanding");
          }
        }
      }
      return violations.isEmpty();
    }

    // ---- placing writes (rule 1) ----

    /** Indeterminate puts/CASes whose value some read returned take effect at that mod revision. */
    private void collectObservations() {
      for (int i = 0; i < ops.length; i++) {
        if (!ops[i].isOk() || !(ops[i].result() instanceof Result.GetResult get) || !get.found()) {
          continue;
        }
        Integer writer = writerOfValue.get(get.value());
        if (writer == null || !ops[writer].isIndeterminate()
            || !ops[writer].op().key().equals(ops[i].op().key())) {
          continue; // reported by checkFoundRead
        }
        Long earlier = observedAt.putIfAbsent(writer, get.modRevision());
        if (earlier == null) {
          observedBy.put(writer, i);
        } else if (earlier != get.modRevision()) {
          violations.add(ops[writer] + " was seen taking effect at two revisions: " + earlier
              + " by " + ops[observedBy.get(writer)] + " and " + get.modRevision() + " by "
              + ops[i]);
        }
      }
    }

    private void buildTimelines() {
      Map<Long, Integer> writeAtRevision = new HashMap<>();
      for (int i = 0; i < ops.length; i++) {
        Long revision = knownRevision(i);
        if (revision == null) {
          continue;
        }
        if (revision <= 0) {
          violations.add(describeWrite(i) + " has non-positive revision " + revision);
          continue;
        }
        Integer other = writeAtRevision.putIfAbsent(revision, i);
        if (other != null) {
          violations.add("two writes took effect at revision " + revision + ": "
              + describeWrite(other) + " and " + describeWrite(i));
          continue;
        }
        timeline(ops[i].op().key()).put(revision, i);
      }
    }

    // ---- real-time order (rule 2) ----

    /** One sweep in invocation order, tracking the highest revision completed so far. */
    private void checkRealTimeOrder() {
      Integer[] byInvoke = new Integer[ops.length];
      List<Integer> okByCompletion = new ArrayList<>();
      for (int i = 0; i < ops.length; i++) {
        byInvoke[i] = i;
        if (ops[i].isOk()) {
          okByCompletion.add(i);
        }
      }
      Arrays.sort(byInvoke, Comparator.comparingLong(i -> ops[i].invokeSeq()));
      okByCompletion.sort(Comparator.comparingLong(i -> ops[i].completeSeq()));

      long highest = 0;
      int highestBy = -1;
      int completed = 0;
      for (int i : byInvoke) {
        while (completed < okByCompletion.size()
            && ops[okByCompletion.get(completed)].completeSeq() < ops[i].invokeSeq()) {
          int done = okByCompletion.get(completed++);
          if (revisionOf(done) > highest) {
            highest = revisionOf(done);
            highestBy = done;
          }
        }
        lowerBound[i] = highest;
        lowerBoundBy[i] = highestBy;
        if (!ops[i].isOk() || highestBy < 0) {
          continue;
        }
        long revision = revisionOf(i);
        if (ops[i].isOkWrite() && revision <= highest) {
          violations.add("real-time order: write " + ops[i] + " was invoked after "
              + ops[highestBy] + " completed, but its revision " + revision
              + " is not above " + highest);
        } else if (revision < highest) {
          violations.add("real-time order: " + ops[i] + " was invoked after " + ops[highestBy]
              + " completed, but its revision " + revision + " is below " + highest);
        }
      }
    }

    /** A placed indeterminate write must respect rule 2 too. */
    private void checkObservedIndeterminateWrites() {
      for (Map.Entry<Integer, Long> entry : observedAt.entrySet()) {
        int writer = entry.getKey();
        long revision = entry.getValue();
        int reader = observedBy.get(writer);
        if (ops[writer].invokeSeq() > ops[reader].completeSeq()) {
          violations.add(ops[reader] + " saw the value of " + ops[writer]
              + " before that write was invoked");
        } else if (lowerBoundBy[writer] >= 0 && revision <= lowerBound[writer]) {
          violations.add(describeWrite(writer) + " cannot have taken effect at revision "
              + revision + ": it was invoked after " + ops[lowerBoundBy[writer]]
              + " completed at revision " + lowerBound[writer]);
        }
      }
    }

    // ---- results (rules 3 and 4) ----

    private void checkResult(int i) {
      Operation op = ops[i];
      String key = op.op().key();
      if (op.result() instanceof Result.GetResult get) {
        if (get.found()) {
          checkFoundRead(i, get);
        } else {
          checkAbsent(i, key, get.headerRevision(),
              op + " found no value at revision " + get.headerRevision());
        }
      } else if (op.result() instanceof Result.DeleteResult delete) {
        if (delete.deleted() > 1) {
          violations.add(op + " deleted " + delete.deleted() + " keys, but deletes one key");
        }
        if (delete.deleted() == 0) {
          checkAbsent(i, key, delete.revision(),
              op + " deleted nothing at revision " + delete.revision());
        } else {
          long before = delete.revision() - 1;
          checkPresent(i, key, before, op + " needs the key present at revision " + before);
        }
      } else if (op.result() instanceof Result.CasResult casResult) {
        Op.Cas cas = (Op.Cas) op.op();
        if (casResult.succeeded()) {
          long before = casResult.revision() - 1;
          if (cas.expectedValue() == null) {
            checkAbsent(i, key, before, op + " needs the key absent at revision " + before);
          } else {
            checkValueEquals(i, key, before, cas.expectedValue(),
                op + " needs value " + cas.expectedValue() + " at revision " + before);
          }
        } else {
          long header = casResult.revision();
          if (cas.expectedValue() == null) {
            checkPresent(i, key, header, op + " needs the key present at revision " + header);
          } else {
            checkValueNotEquals(i, key, header, cas.expectedValue(), op + " needs a value other"
                + " than " + cas.expectedValue() + " at revision " + header);
          }
        }
      }
    }

    private void checkFoundRead(int reader, Result.GetResult get) {
      Operation read = ops[reader];
      String value = get.value();
      long header = get.headerRevision();
      long mod = get.modRevision();
      Integer writer = writerOfValue.get(value);
      if (writer == null) {
        violations.add(read + " returned " + value + ", which no operation wrote");
        return;
      }
      if (!ops[writer].op().key().equals(read.op().key())) {
        violations.add(read + " returned " + value + ", which " + ops[writer]
            + " wrote to another key");
        return;
      }
      if (certainlyNotWritten(writer)) {
        violations.add(read + " returned " + value + ", but " + ops[writer]
            + " did not take effect");
        return;
      }
      if (mod <= 0 || mod > header) {
        violations.add(read + " has mod revision " + mod + " outside (0, " + header + "]");
        return;
      }
      Long placed = knownRevision(writer);
      if (placed == null || placed != mod) {
        if (ops[writer].isOk()) {
          violations.add(read + " says " + value + " was written at revision " + mod + ", but "
              + ops[writer] + " took effect at revision " + placed);
        } // an indeterminate write seen at two revisions is already reported
        return;
      }
      Map.Entry<Long, Integer> next = timeline(read.op().key()).higherEntry(mod);
      if (next != null && next.getKey() <= header) {
        violations.add(read + " returned " + value + " (revision " + mod + ") at revision "
            + header + ", but " + describeWrite(next.getValue()) + " overwrote it at revision "
            + next.getKey());
      }
    }

    /** Reports {@code claim} unless the key may be absent at {@code revision}. */
    private void checkAbsent(int checker, String key, long revision, String claim) {
      Map.Entry<Long, Integer> latest = timeline(key).floorEntry(revision);
      if (latest == null || isDelete(latest.getValue())) {
        return;
      }
      if (latest.getKey() < revision
          && anyUnplacedFits(unplacedDeletes, key, ops[checker].completeSeq(), revision)) {
        return;
      }
      violations.add(claim + ", but " + describeWrite(latest.getValue()) + " wrote it at revision "
          + latest.getKey() + " and no write can have deleted it by " + revision);
    }

    /** Reports {@code claim} unless the key may be present at {@code revision}. */
    private void checkPresent(int checker, String key, long revision, String claim) {
      Map.Entry<Long, Integer> latest = timeline(key).floorEntry(revision);
      if (latest != null && !isDelete(latest.getValue())) {
        return;
      }
      long after = latest == null ? 0 : latest.getKey();
      if (after < revision
          && anyUnplacedFits(unplacedPuts, key, ops[checker].completeSeq(), revision)) {
        return;
      }
      violations.add(claim + ", but "
          + (latest == null ? "no write of it took effect by then"
              : describeWrite(latest.getValue()) + " deleted it at revision " + latest.getKey()
                  + " and no write can have recreated it by " + revision));
    }

    /** Reports {@code claim} unless the key may hold {@code value} at {@code revision}. */
    private void checkValueEquals(int checker, String key, long revision, String value,
        String claim) {
      Integer writer = writerOfValue.get(value);
      if (writer == null) {
        violations.add(claim + ", but no operation wrote " + value);
        return;
      }
      if (!ops[writer].op().key().equals(key)) {
        violations.add(claim + ", but " + ops[writer] + " wrote it to another key");
        return;
      }
      if (certainlyNotWritten(writer)) {
        violations.add(claim + ", but " + ops[writer] + " did not take effect");
        return;
      }
      Map.Entry<Long, Integer> latest = timeline(key).floorEntry(revision);
      if (latest != null && latest.getValue().equals(writer)) {
        return;
      }
      Long placed = knownRevision(writer);
      if (placed != null) {
        violations.add(claim + ", but " + describeWrite(writer) + " took effect at revision "
            + placed + (latest == null || placed > revision ? ""
                : " and " + describeWrite(latest.getValue()) + " replaced it at revision "
                    + latest.getKey()));
        return;
      }
      long after = latest == null ? 0 : latest.getKey();
      if (after < revision && fits(writer, ops[checker].completeSeq(), revision)) {
        return;
      }
      violations.add(claim + ", but " + ops[writer] + " (outcome unknown) cannot have taken"
          + " effect in (" + after + ", " + revision + "]");
    }

    /** Reports {@code claim} if the key certainly holds {@code value} at {@code revision}. */
    private void checkValueNotEquals(int checker, String key, long revision, String value,
        String claim) {
      Map.Entry<Long, Integer> latest = timeline(key).floorEntry(revision);
      if (latest == null || !value.equals(ops[latest.getValue()].writtenValue())) {
        return;
      }
      long completed = ops[checker].completeSeq();
      if (latest.getKey() < revision
          && (anyUnplacedFits(unplacedPuts, key, completed, revision)
              || anyUnplacedFits(unplacedDeletes, key, completed, revision))) {
        return;
      }
      violations.add(claim + ", but " + describeWrite(latest.getValue()) + " wrote it at revision "
          + latest.getKey() + " and no write can have replaced it by " + revision);
    }

    // ---- helpers ----

    /** Revision of an OK operation: its write's revision or its header revision. */
    private long revisionOf(int i) {
      return ops[i].result().revision();
    }

    /** The revision a write certainly took effect at, or null if none is known. */
    private Long knownRevision(int i) {
      if (ops[i].isOkWrite()) {
        return revisionOf(i);
      }
      if (ops[i].isIndeterminate()) {
        return observedAt.get(i);
      }
      return null;
    }

    /** A failed write, or a CAS whose compare failed, never writes its value. */
    private boolean certainlyNotWritten(int i) {
      return ops[i].outcome() == Outcome.FAIL || (ops[i].isOk() && !ops[i].isOkWrite());
    }

    private boolean isDelete(int i) {
      return ops[i].op() instanceof Op.Delete;
    }

    /**
     * Whether unplaced indeterminate write {@code i} may have taken effect at a revision at or
     * below {@code revision}, as seen by an operation that completed at {@code completedAt}.
     */
    private boolean fits(int i, long completedAt, long revision) {
      return ops[i].invokeSeq() < completedAt && lowerBound[i] < revision;
    }

    private String describeWrite(int i) {
      Long seen = observedAt.get(i);
      return seen == null ? ops[i].toString()
          : ops[i] + " (seen at revision " + seen + " by #" + ops[observedBy.get(i)].id() + ")";
    }

    private TreeMap<Long, Integer> timeline(String key) {
      return timelines.computeIfAbsent(key, k -> new TreeMap<>());
    }

    private void collectUnplaced() {
      Map<String, List<Integer>> puts = new HashMap<>();
      Map<String, List<Integer>> deletes = new HashMap<>();
      for (int i = 0; i < ops.length; i++) {
        if (ops[i].isIndeterminate() && ops[i].isWriteKind() && !observedAt.containsKey(i)) {
          (isDelete(i) ? deletes : puts)
              .computeIfAbsent(ops[i].op().key(), k -> new ArrayList<>()).add(i);
        }
      }
      puts.forEach((key, list) -> unplacedPuts.put(key, new Unplaced(list)));
      deletes.forEach((key, list) -> unplacedDeletes.put(key, new Unplaced(list)));
    }

    /**
     * Whether some unplaced write of {@code key} in {@code byKey} may have taken effect at or
     * below {@code revision}, as seen by an operation that completed at {@code completedAt}.
     */
    private boolean anyUnplacedFits(
        Map<String, Unplaced> byKey, String key, long completedAt, long revision) {
      Unplaced unplaced = byKey.get(key);
      return unplaced != null && unplaced.anyFits(completedAt, revision);
    }

    /**
     * Unplaced indeterminate writes of one key, answering in O(log n) whether any of them was
     * invoked before a given time and may have taken effect at or below a given revision.
     */
    private final class Unplaced {
      private final long[] invokeSeqs;
      /** Minimum lower bound among the first k+1 writes by invocation time. */
      private final long[] minLowerBound;

      Unplaced(List<Integer> writes) {
        writes.sort(Comparator.comparingLong(i -> ops[i].invokeSeq()));
        invokeSeqs = new long[writes.size()];
        minLowerBound = new long[writes.size()];
        long min = Long.MAX_VALUE;
        for (int k = 0; k < writes.size(); k++) {
          int i = writes.get(k);
          invokeSeqs[k] = ops[i].invokeSeq();
          min = Math.min(min, lowerBound[i]);
          minLowerBound[k] = min;
        }
      }

      boolean anyFits(long completedAt, long revision) {
        int invokedBefore = countBelow(invokeSeqs, completedAt);
        return invokedBefore > 0 && minLowerBound[invokedBefore - 1] < revision;
      }
    }
  }

  /** Number of elements of sorted {@code values} that are below {@code limit}. */
  private static int countBelow(long[] values, long limit) {
    int low = 0;
    int high = values.length;
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (values[mid] < limit) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    return low;
  }
}
