package io.cairn.server.testing.history;

import java.util.Objects;

/**
 * One recorded operation: who issued it, what it was, when it was invoked and completed (on the
 * recorder's logical clock) and how it ended.
 *
 * @param id identifier returned by {@link HistoryRecorder#invoke}
 * @param client the client that issued it; a client has at most one operation outstanding
 * @param op the operation
 * @param invokeSeq logical time of the invocation
 * @param completeSeq logical time of the completion, {@link #NOT_COMPLETED} while pending
 * @param outcome how it ended
 * @param result the server's answer, present exactly when {@code outcome} is {@link Outcome#OK}
 */
public record Operation(
    long id, int client, Op op, long invokeSeq, long completeSeq, Outcome outcome, Result result) {

  /** The completion time of an operation that has not completed. */
  public static final long NOT_COMPLETED = Long.MAX_VALUE;

  public Operation {
    Objects.requireNonNull(op, "op");
    Objects.requireNonNull(outcome, "outcome");
    if ((outcome == Outcome.PENDING) != (completeSeq == NOT_COMPLETED)) {
      throw new IllegalArgumentException("only a pending operation lacks a completion time");
    }
    if (completeSeq <= invokeSeq) {
      throw new IllegalArgumentException("completed at " + completeSeq + " before invoked at "
          + invokeSeq);
    }
    if ((outcome == Outcome.OK) != (result != null)) {
      throw new IllegalArgumentException("exactly the OK operations carry a result: " + outcome
          + " " + result);
    }
    if (result != null && !resultMatches(op, result)) {
      throw new IllegalArgumentException("result " + result.getClass().getSimpleName()
          + " does not answer " + op);
    }
  }

  private static boolean resultMatches(Op op, Result result) {
    if (op instanceof Op.Put) {
      return result instanceof Result.PutResult;
    } else if (op instanceof Op.Get) {
      return result instanceof Result.GetResult;
    } else if (op instanceof Op.Delete) {
      return result instanceof Result.DeleteResult;
    } else {
      return result instanceof Result.CasResult;
    }
  }

  /** True if the server answered. */
  public boolean isOk() {
    return outcome == Outcome.OK;
  }

  /** True if the operation may or may not have taken effect (unknown or still pending). */
  public boolean isIndeterminate() {
    return outcome.indeterminate();
  }

  /** True if the operation is a kind that can modify the store (put, delete, cas). */
  public boolean isWriteKind() {
    return !(op instanceof Op.Get);
  }

  /**
   * True for a completed operation that certainly created a revision: a put, a successful cas, a
   * delete that deleted the key.
   */
  public boolean isOkWrite() {
    if (!isOk()) {
      return false;
    }
    if (result instanceof Result.PutResult) {
      return true;
    } else if (result instanceof Result.CasResult cas) {
      return cas.succeeded();
    } else if (result instanceof Result.DeleteResult delete) {
      return delete.deleted() > 0;
    } else {
      return false;
    }
  }

  /** The value this operation writes if it takes effect (put, cas), otherwise null. */
  public String writtenValue() {
    if (op instanceof Op.Put put) {
      return put.value();
    } else if (op instanceof Op.Cas cas) {
      return cas.newValue();
    } else {
      return null;
    }
  }

  /** The same operation with another result (for building histories by hand). */
  public Operation withResult(Result newResult) {
    return new Operation(id, client, op, invokeSeq, completeSeq, outcome, newResult);
  }

  /** The same operation with another op (for building histories by hand). */
  public Operation withOp(Op newOp) {
    return new Operation(id, client, newOp, invokeSeq, completeSeq, outcome, result);
  }

  /** One line: id, client, invoke/complete times, op, outcome and result. */
  @Override
  public String toString() {
    String done = completeSeq == NOT_COMPLETED ? "-" : Long.toString(completeSeq);
    String end = switch (outcome) {
      case OK -> "ok " + result;
      case FAIL -> "FAILED";
      case UNKNOWN -> "UNKNOWN";
      case PENDING -> "PENDING";
    };
    return "#" + id + " c" + client + " [" + invokeSeq + ".." + done + "] " + op + " -> " + end;
  }
}
