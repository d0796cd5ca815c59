package io.cairn.server.testing.history;

import java.util.List;

/**
 * The verdict of {@link LinearizabilityChecker#check}: the history is linearizable as far as the
 * checker can tell exactly when there are no violations.
 *
 * @param violations human-readable descriptions, each naming the operations involved
 */
public record CheckResult(List<String> violations) {
  /** How many violations {@link #toString()} lists before summarising the rest. */
  public static final int MAX_LISTED = 50;

  public CheckResult {
    violations = List.copyOf(violations);
  }

  public boolean ok() {
    return violations.isEmpty();
  }

  @Override
  public String toString() {
    if (ok()) {
      return "no linearizability violation found";
    }
    StringBuilder out = new StringBuilder();
    out.append(violations.size()).append(" linearizability violation(s):\n");
    for (int i = 0; i < violations.size() && i < MAX_LISTED; i++) {
      out.append("  - ").append(violations.get(i)).append('\n');
    }
    if (violations.size() > MAX_LISTED) {
      out.append("  ... and ").append(violations.size() - MAX_LISTED).append(" more\n");
    }
    return out.toString();
  }
}
