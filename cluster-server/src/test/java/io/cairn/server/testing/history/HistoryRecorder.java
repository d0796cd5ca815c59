package io.cairn.server.testing.history;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Thread-safe recorder of client operations for {@link LinearizabilityChecker}.
 *
 * <p>Time is a logical clock: each {@link #invoke} and each completion ({@link #ok}, {@link
 * #fail}, {@link #unknown}) takes the next number from one counter, under one lock. So if a
 * completion is recorded before an invocation, it really happened before it. Callers must
 * therefore call {@code invoke} right before sending the request and complete right after the
 * response (or the error) arrived.
 *
 * <pre>{@code
 * long id = recorder.invoke(client, Op.put("k", "v17"));
 * try {
 *   PutResponse response = kv.put(...).get(timeout);
 *   recorder.ok(id, Result.put(response.getHeader().getRevision()));
 * } catch (TimeoutException e) {
 *   recorder.unknown(id);
 * }
 * }</pre>
 */
public final class HistoryRecorder {
  private final List<Entry> entries = new ArrayList<>(); // guarded by this; index = id
  private long clock; // guarded by this

  private static final class Entry {
    final int client;
    final Op op;
    final long invokeSeq;
    long completeSeq = Operation.NOT_COMPLETED;
    Outcome outcome = Outcome.PENDING;
    Result result;

    Entry(int client, Op op, long invokeSeq) {
      this.client = client;
      this.op = op;
      this.invokeSeq = invokeSeq;
    }
  }

  /** Records the invocation of {@code op} by {@code client}; returns the operation's id. */
  public synchronized long invoke(int client, Op op) {
    Objects.requireNonNull(op, "op");
    entries.add(new Entry(client, op, ++clock));
    return entries.size() - 1;
  }

  /** Records that the server answered operation {@code id} with {@code result}. */
  public void ok(long id, Result result) {
    Objects.requireNonNull(result, "result");
    complete(id, Outcome.OK, result);
  }

  /** Records that operation {@code id} certainly did not take effect. */
  public void fail(long id) {
    complete(id, Outcome.FAIL, null);
  }

  /**
   * Records that the outcome of operation {@code id} is unknown: it may take effect at any time
   * after its invocation, or never.
   */
  public void unknown(long id) {
    complete(id, Outcome.UNKNOWN, null);
  }

  private synchronized void complete(long id, Outcome outcome, Result result) {
    if (id < 0 || id >= entries.size()) {
      throw new IllegalArgumentException("no operation #" + id);
    }
    Entry entry = entries.get((int) id);
    if (entry.outcome != Outcome.PENDING) {
      throw new IllegalStateException("operation #" + id + " already completed as "
          + entry.outcome);
    }
    long completeSeq = ++clock;
    // Validate before changing anything (throws on a result that does not fit the op).
    new Operation(id, entry.client, entry.op, entry.invokeSeq, completeSeq, outcome, result);
    entry.completeSeq = completeSeq;
    entry.outcome = outcome;
    entry.result = result;
  }

  /** Number of operations recorded so far. */
  public synchronized int size() {
    return entries.size();
  }

  /** A snapshot of everything recorded so far; outstanding operations are {@code PENDING}. */
  public synchronized History history() {
    List<Operation> operations = new ArrayList<>(entries.size());
    for (int id = 0; id < entries.size(); id++) {
      Entry e = entries.get(id);
      operations.add(
          new Operation(id, e.client, e.op, e.invokeSeq, e.completeSeq, e.outcome, e.result));
    }
    return new History(operations);
  }

  @Override
  public String toString() {
    return history().toString();
  }
}
