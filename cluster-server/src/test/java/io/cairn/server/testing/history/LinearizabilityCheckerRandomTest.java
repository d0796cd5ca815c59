package io.cairn.server.testing.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Histories of a correct simulated store ({@link SimulatedStore}) must pass; the same histories
 * with one result corrupted must not. Every failure message names the seed.
 */
class LinearizabilityCheckerRandomTest {

  private static final SimulatedStore.Config SMALL = new SimulatedStore.Config(60, 3, 2, 0.05, 0.1);
  private static final SimulatedStore.Config MEDIUM =
      new SimulatedStore.Config(400, 6, 3, 0.03, 0.08);
  private static final SimulatedStore.Config FLAKY =
      new SimulatedStore.Config(400, 8, 2, 0.1, 0.3);

  @Test
  void historiesOfACorrectStorePass() {
    for (SimulatedStore.Config config : List.of(SMALL, MEDIUM, FLAKY)) {
      for (long seed = 0; seed < 300; seed++) {
        History history = SimulatedStore.generate(seed, config);
        CheckResult result = LinearizabilityChecker.check(history);
        assertThat(result.ok()).as("seed %d, %s%n%s%n%s", seed, config, result, history).isTrue();
      }
    }
  }

  @Test
  void largeHistoryIsCheckedQuickly() {
    SimulatedStore.Config config = new SimulatedStore.Config(100_000, 32, 50, 0.01, 0.02);
    History history = SimulatedStore.generate(42, config);
    long start = System.nanoTime();
    CheckResult result = LinearizabilityChecker.check(history);
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertThat(result.ok()).as("seed 42: %s", result).isTrue();
    assertThat(millis).as("checking %d operations took %d ms", history.size(), millis)
        .isLessThan(10_000);
  }

  /** Ways to corrupt one operation of a valid history so that the history becomes invalid. */
  enum Mutation {
    /** A read returns an older value of its key instead of the latest one. */
    STALE_VALUE,
    /** An operation reports a revision below one that completed before it was invoked. */
    REWOUND_REVISION,
    /** A put reports the revision of another write. */
    DUPLICATE_REVISION,
    /** A read returns a value nobody wrote. */
    NEVER_WRITTEN,
    /** A read returns the value of a failed put. */
    FAILED_WRITE_SEEN,
    /** A read of a present key reports it missing. */
    PHANTOM_ABSENCE,
    /** A successful CAS claims an older, overwritten expected value. */
    WRONG_CAS_EXPECTATION
  }

  @Test
  void corruptedHistoriesAreCaught() {
    Map<Mutation, Integer> applied = new EnumMap<>(Mutation.class);
    for (long seed = 0; seed < 600; seed++) {
      SimulatedStore.Config config = seed % 2 == 0 ? MEDIUM : FLAKY;
      History valid = SimulatedStore.generate(seed, config);
      SplittableRandom random = new SplittableRandom(seed * 31 + 7);
      Mutation mutation = Mutation.values()[random.nextInt(Mutation.values().length)];
      History corrupted = mutate(valid, mutation, random);
      if (corrupted == null) {
        continue; // this history offers nothing to corrupt that way
      }
      applied.merge(mutation, 1, Integer::sum);
      CheckResult result = LinearizabilityChecker.check(corrupted);
      assertThat(result.ok())
          .as("seed %d, %s, mutation %s not caught in%n%s", seed, config, mutation, corrupted)
          .isFalse();
    }
    assertThat(applied).as("mutations applied").hasSize(Mutation.values().length)
        .allSatisfy((mutation, count) -> assertThat(count).isGreaterThan(10));
  }

  /** Applies {@code mutation} to a random suitable operation, or returns null if none is. */
  private static History mutate(History history, Mutation mutation, SplittableRandom random) {
    List<Operation> ops = history.operations();
    Function<List<Operation>, Operation> pick =
        candidates -> candidates.isEmpty() ? null : candidates.get(random.nextInt(candidates.size()));
    switch (mutation) {
      case STALE_VALUE: {
        List<Operation> reads = new ArrayList<>();
        for (Operation read : ops) {
          Result.GetResult get = foundRead(read);
          if (get != null && writerOf(ops, get.value()).isOk()
              && !olderWrites(ops, read.op().key(), get.modRevision()).isEmpty()) {
            reads.add(read);
          }
        }
        Operation read = pick.apply(reads);
        if (read == null) {
          return null;
        }
        Result.GetResult get = foundRead(read);
        Operation older = pick.apply(olderWrites(ops, read.op().key(), get.modRevision()));
        return history.replace(read.withResult(Result.found(
            get.headerRevision(), older.writtenValue(), older.result().revision())));
      }
      case REWOUND_REVISION: {
        List<Operation> candidates = new ArrayList<>();
        for (Operation op : ops) {
          if (op.op() instanceof Op.Get && op.isOk() && highestCompletedBefore(ops, op) > 0) {
            candidates.add(op);
          }
        }
        Operation read = pick.apply(candidates);
        if (read == null) {
          return null;
        }
        long rewound = highestCompletedBefore(ops, read) - 1;
        Result.GetResult get = (Result.GetResult) read.result();
        return history.replace(read.withResult(get.found()
            ? new Result.GetResult(rewound, true, get.value(), get.modRevision())
            : Result.notFound(rewound)));
      }
      case DUPLICATE_REVISION: {
        List<Operation> puts = new ArrayList<>();
        for (Operation op : ops) {
          if (op.op() instanceof Op.Put && op.isOk()) {
            puts.add(op);
          }
        }
        if (puts.size() < 2) {
          return null;
        }
        Operation victim = pick.apply(puts);
        Operation other = pick.apply(puts);
        if (victim == other) {
          return null;
        }
        return history.replace(victim.withResult(Result.put(other.result().revision())));
      }
      case NEVER_WRITTEN: {
        Operation read = pick.apply(ops.stream().filter(op -> foundRead(op) != null).toList());
        if (read == null) {
          return null;
        }
        Result.GetResult get = foundRead(read);
        return history.replace(read.withResult(
            Result.found(get.headerRevision(), "never-written", get.modRevision())));
      }
      case FAILED_WRITE_SEEN: {
        Operation failed = pick.apply(ops.stream()
            .filter(op -> op.op() instanceof Op.Put && op.outcome() == Outcome.FAIL).toList());
        Operation read = pick.apply(ops.stream().filter(op -> foundRead(op) != null).toList());
        if (failed == null || read == null) {
          return null;
        }
        Result.GetResult get = foundRead(read);
        return history.replace(read.withResult(
            Result.found(get.headerRevision(), failed.writtenValue(), get.modRevision())));
      }
      case PHANTOM_ABSENCE: {
        Operation read = pick.apply(ops.stream()
            .filter(op -> foundRead(op) != null
                && writerOf(ops, foundRead(op).value()).isOk()
                && !indeterminateDeleteInvokedBefore(ops, op))
            .toList());
        if (read == null) {
          return null;
        }
        return history.replace(read.withResult(Result.notFound(read.result().revision())));
      }
      case WRONG_CAS_EXPECTATION: {
        List<Operation> swaps = new ArrayList<>();
        for (Operation op : ops) {
          if (op.op() instanceof Op.Cas cas && op.isOkWrite() && cas.expectedValue() != null
              && writerOf(ops, cas.expectedValue()).isOk()
              && olderWrites(ops, cas.key(), op.result().revision()).size() >= 2) {
            swaps.add(op);
          }
        }
        Operation swap = pick.apply(swaps);
        if (swap == null) {
          return null;
        }
        Op.Cas cas = (Op.Cas) swap.op();
        List<Operation> older = olderWrites(ops, cas.key(), swap.result().revision());
        older.removeIf(op -> cas.expectedValue().equals(op.writtenValue()));
        Operation wrong = pick.apply(older);
        return history.replace(
            swap.withOp(Op.cas(cas.key(), wrong.writtenValue(), cas.newValue())));
      }
      default:
        throw new AssertionError(mutation);
    }
  }

  private static Result.GetResult foundRead(Operation op) {
    return op.isOk() && op.result() instanceof Result.GetResult get && get.found() ? get : null;
  }

  private static Operation writerOf(List<Operation> ops, String value) {
    return ops.stream().filter(op -> value.equals(op.writtenValue())).findFirst().orElseThrow();
  }

  /** OK puts and successful CASes of {@code key} with a revision below {@code revision}. */
  private static List<Operation> olderWrites(List<Operation> ops, String key, long revision) {
    List<Operation> older = new ArrayList<>();
    for (Operation op : ops) {
      if (op.isOkWrite() && op.writtenValue() != null && op.op().key().equals(key)
          && op.result().revision() < revision) {
        older.add(op);
      }
    }
    return older;
  }

  private static long highestCompletedBefore(List<Operation> ops, Operation later) {
    long highest = 0;
    for (Operation op : ops) {
      if (op.isOk() && op.completeSeq() < later.invokeSeq()) {
        highest = Math.max(highest, op.result().revision());
      }
    }
    return highest;
  }

  /** Whether a delete of the read's key with unknown outcome may explain a missing key. */
  private static boolean indeterminateDeleteInvokedBefore(List<Operation> ops, Operation read) {
    return ops.stream().anyMatch(op -> op.op() instanceof Op.Delete && op.isIndeterminate()
        && op.op().key().equals(read.op().key()) && op.invokeSeq() < read.completeSeq());
  }
}
