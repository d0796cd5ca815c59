package io.cairn.server.testing.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Compares the checker with an exhaustive search ({@link BruteForceChecker}) on tiny histories,
 * valid ones and ones with a randomly tampered result. The checker must never report a violation
 * in a linearizable history (soundness), and should catch most non-linearizable ones.
 */
class LinearizabilityCheckerCrossCheckTest {

  @Test
  void agreesWithExhaustiveSearchOnTinyHistories() {
    int invalid = 0;
    int caught = 0;
    for (long seed = 0; seed < 4000; seed++) {
      SplittableRandom random = new SplittableRandom(seed);
      SimulatedStore.Config config = new SimulatedStore.Config(
          5 + random.nextInt(5), 2 + random.nextInt(2), 1 + random.nextInt(2), 0.1, 0.25);
      History history = SimulatedStore.generate(seed, config);
      if (random.nextInt(10) < 7) {
        history = tamper(history, random);
      }
      boolean linearizable = BruteForceChecker.isLinearizable(history);
      CheckResult result = LinearizabilityChecker.check(history);
      if (linearizable) {
        assertThat(result.ok())
            .as("seed %d: false alarm on a linearizable history%n%s%n%s", seed, result, history)
            .isTrue();
      } else {
        invalid++;
        if (!result.ok()) {
          caught++;
        }
      }
    }
    assertThat(invalid).as("non-linearizable histories generated").isGreaterThan(1000);
    assertThat(caught).as("caught %d of %d non-linearizable histories", caught, invalid)
        .isGreaterThanOrEqualTo(invalid * 9 / 10);
  }

  /** Changes one OK result a little; the history may or may not stay linearizable. */
  private static History tamper(History history, SplittableRandom random) {
    List<Operation> ok = history.operations().stream().filter(Operation::isOk).toList();
    if (ok.isEmpty()) {
      return history;
    }
    Operation op = ok.get(random.nextInt(ok.size()));
    Result result = op.result();
    long shifted = Math.max(0, result.revision() + random.nextInt(5) - 2);
    Result tampered;
    if (result instanceof Result.PutResult) {
      tampered = Result.put(shifted);
    } else if (result instanceof Result.DeleteResult delete) {
      tampered = random.nextBoolean()
          ? Result.delete(shifted, delete.deleted())
          : Result.delete(delete.revision(), 1 - delete.deleted());
    } else if (result instanceof Result.CasResult cas) {
      tampered = random.nextBoolean()
          ? new Result.CasResult(cas.succeeded(), shifted)
          : new Result.CasResult(!cas.succeeded(), cas.revision());
    } else {
      Result.GetResult get = (Result.GetResult) result;
      List<String> values = valuesWrittenTo(history, op.op().key());
      int choice = random.nextInt(4);
      if (choice == 0 || values.isEmpty()) {
        tampered = get.found()
            ? new Result.GetResult(shifted, true, get.value(), Math.min(get.modRevision(), shifted))
            : Result.notFound(shifted);
      } else if (choice == 1) {
        tampered = get.found()
            ? Result.notFound(get.headerRevision())
            : Result.found(get.headerRevision(), values.get(0), 1 + random.nextInt(
                (int) Math.max(1, get.headerRevision())));
      } else {
        String value = values.get(random.nextInt(values.size()));
        long mod = 1 + random.nextInt((int) Math.max(1, get.headerRevision()));
        tampered = Result.found(get.headerRevision(), value, mod);
      }
    }
    return history.replace(op.withResult(tampered));
  }

  private static List<String> valuesWrittenTo(History history, String key) {
    List<String> values = new ArrayList<>();
    for (Operation op : history.operations()) {
      if (op.writtenValue() != null && op.op().key().equals(key)) {
        values.add(op.writtenValue());
      }
    }
    return values;
  }
}
