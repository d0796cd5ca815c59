package io.cairn.server.testing.history;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * An immutable snapshot of recorded operations. {@link #toString()} lists one operation per line
 * in invocation order, ready to be put in a failure message.
 */
public record History(List<Operation> operations) {

  public History {
    operations = List.copyOf(operations);
  }

  public int size() {
    return operations.size();
  }

  /** The operations sorted by invocation time. */
  public List<Operation> byInvocation() {
    List<Operation> sorted = new ArrayList<>(operations);
    sorted.sort(Comparator.comparingLong(Operation::invokeSeq));
    return sorted;
  }

  /** A copy of this history with the operation of the same id replaced by {@code replacement}. */
  public History replace(Operation replacement) {
    List<Operation> copy = new ArrayList<>(operations);
    for (int i = 0; i < copy.size(); i++) {
      if (copy.get(i).id() == replacement.id()) {
        copy.set(i, replacement);
        return new History(copy);
      }
    }
    throw new IllegalArgumentException("no operation #" + replacement.id());
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder();
    out.append("history of ").append(operations.size()).append(" operations")
        .append(" (#id client [invoke..complete] op -> outcome):\n");
    for (Operation operation : byInvocation()) {
      out.append("  ").append(operation).append('\n');
    }
    return out.toString();
  }
}
