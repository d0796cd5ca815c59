package io.cairn.server.testing.history;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reference for tiny histories: searches every order of the operations that respects real time,
 * running each against a sequential model of the store. OK operations must all be placed; UNKNOWN
 * and PENDING writes may be placed anywhere after their invocation or left out; failed operations
 * and unknown reads are left out. Exponential, so only for a handful of operations.
 *
 * <p>The model: the store has a revision and a map from key to (value, mod revision). A write
 * that takes effect at revision r needs {@code r} above the store's revision and moves it to r;
 * an operation that reads at header revision h needs {@code h} at or above it and moves it to h
 * (writes to keys outside the history may have happened in between).
 */
final class BruteForceChecker {
  private final Operation[] ops;
  private final Set<Long> observedModRevisions = new LinkedHashSet<>();

  private record Versioned(String value, long modRevision) {}

  private BruteForceChecker(History history) {
    this.ops = history.operations().toArray(new Operation[0]);
    for (Operation op : ops) {
      if (op.isOk() && op.result() instanceof Result.GetResult get && get.found()) {
        observedModRevisions.add(get.modRevision());
      }
    }
  }

  static boolean isLinearizable(History history) {
    if (history.size() > 14) {
      throw new IllegalArgumentException("too many operations for a brute-force search");
    }
    BruteForceChecker checker = new BruteForceChecker(history);
    return checker.search(0, new HashMap<>(), 0);
  }

  /** {@code placed}: bit set of operations already placed or left out for good. */
  private boolean search(int placed, Map<String, Versioned> data, long revision) {
    boolean allOkPlaced = true;
    for (int i = 0; i < ops.length; i++) {
      if ((placed & (1 << i)) == 0 && ops[i].isOk()) {
        allOkPlaced = false;
      }
    }
    if (allOkPlaced) {
      return true; // the remaining indeterminate writes never take effect
    }
    for (int i = 0; i < ops.length; i++) {
      if ((placed & (1 << i)) != 0 || !mayTakeEffect(ops[i]) || !predecessorsPlaced(i, placed)) {
        continue;
      }
      for (Step step : steps(ops[i], data, revision)) {
        if (search(placed | (1 << i), step.data, step.revision)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean mayTakeEffect(Operation op) {
    return op.isOk() || (op.isIndeterminate() && op.isWriteKind());
  }

  /** All OK operations that completed before {@code i} was invoked are placed. */
  private boolean predecessorsPlaced(int i, int placed) {
    for (int j = 0; j < ops.length; j++) {
      if (ops[j].isOk() && ops[j].completeSeq() < ops[i].invokeSeq() && (placed & (1 << j)) == 0) {
        return false;
      }
    }
    return true;
  }

  private record Step(Map<String, Versioned> data, long revision) {}

  /** The states the store can be in after {@code op} takes effect now (none if impossible). */
  private List<Step> steps(Operation op, Map<String, Versioned> data, long revision) {
    List<Step> steps = new ArrayList<>();
    String key = op.op().key();
    Versioned current = data.get(key);
    if (op.isOk()) {
      Result result = op.result();
      long r = result.revision();
      if (op.isOkWrite()) {
        if (r > revision && preconditionHolds(op.op(), current)) {
          steps.add(new Step(write(data, op.op(), r), r));
        }
      } else if (r >= revision && readMatches(op.op(), result, current)) {
        steps.add(new Step(data, r));
      }
      return steps;
    }
    // An indeterminate write: a CAS whose compare fails or a delete of an absent key changes
    // nothing (same as leaving it out); otherwise it takes the next free revision, or one at
    // which some read saw a value.
    if (!preconditionHolds(op.op(), current)) {
      return steps;
    }
    Set<Long> candidates = new LinkedHashSet<>();
    candidates.add(revision + 1);
    for (long observed : observedModRevisions) {
      if (observed > revision) {
        candidates.add(observed);
      }
    }
    for (long r : candidates) {
      steps.add(new Step(write(data, op.op(), r), r));
    }
    return steps;
  }

  private static boolean preconditionHolds(Op op, Versioned current) {
    if (op instanceof Op.Delete) {
      return current != null;
    } else if (op instanceof Op.Cas cas) {
      return cas.expectedValue() == null
          ? current == null
          : current != null && current.value().equals(cas.expectedValue());
    }
    return true;
  }

  /** Whether a non-writing OK result is what the store answers in state {@code current}. */
  private static boolean readMatches(Op op, Result result, Versioned current) {
    if (result instanceof Result.GetResult get) {
      return get.found()
          ? current != null && current.value().equals(get.value())
              && current.modRevision() == get.modRevision()
          : current == null;
    } else if (result instanceof Result.DeleteResult) {
      return current == null; // deleted nothing
    } else {
      return !preconditionHolds(op, current); // a CAS whose compare failed
    }
  }

  private static Map<String, Versioned> write(Map<String, Versioned> data, Op op, long revision) {
    Map<String, Versioned> next = new HashMap<>(data);
    if (op instanceof Op.Delete) {
      next.remove(op.key());
    } else if (op instanceof Op.Put put) {
      next.put(op.key(), new Versioned(put.value(), revision));
    } else {
      next.put(op.key(), new Versioned(((Op.Cas) op).newValue(), revision));
    }
    return next;
  }
}
