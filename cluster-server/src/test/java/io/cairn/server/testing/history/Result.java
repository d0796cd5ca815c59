package io.cairn.server.testing.history;

/** What the server answered to a successfully completed ({@link Outcome#OK}) operation. */
public sealed interface Result
    permits Result.PutResult, Result.GetResult, Result.DeleteResult, Result.CasResult {

  /**
   * The revision the operation is placed at: the revision of a write that took effect, otherwise
   * the header revision (the store revision the operation read at).
   */
  long revision();

  /** {@code revision} is the revision the put created. */
  record PutResult(long revision) implements Result {
    @Override
    public String toString() {
      return "rev=" + revision;
    }
  }

  /**
   * {@code headerRevision} is the store revision the read was served at; when {@code found},
   * {@code value} is the value and {@code modRevision} the revision of the write that produced it.
   */
  record GetResult(long headerRevision, boolean found, String value, long modRevision)
      implements Result {
    public GetResult {
      if (found && value == null) {
        throw new IllegalArgumentException("a found key needs a value");
      }
      if (!found && (value != null || modRevision != 0)) {
        throw new IllegalArgumentException("a missing key has no value or mod revision");
      }
    }

    @Override
    public long revision() {
      return headerRevision;
    }

    @Override
    public String toString() {
      return found
          ? "rev=" + headerRevision + " value=" + value + " mod=" + modRevision
          : "rev=" + headerRevision + " not found";
    }
  }

  /** {@code revision} is the header revision of the response; {@code deleted} is 0 or 1. */
  record DeleteResult(long revision, long deleted) implements Result {
    public DeleteResult {
      if (deleted < 0) {
        throw new IllegalArgumentException("deleted must not be negative: " + deleted);
      }
    }

    @Override
    public String toString() {
      return "rev=" + revision + " deleted=" + deleted;
    }
  }

  /**
   * {@code revision} is the header revision; when {@code succeeded} it is the revision the swap
   * created.
   */
  record CasResult(boolean succeeded, long revision) implements Result {
    @Override
    public String toString() {
      return "rev=" + revision + (succeeded ? " swapped" : " compare failed");
    }
  }

  static PutResult put(long revision) {
    return new PutResult(revision);
  }

  static GetResult found(long headerRevision, String value, long modRevision) {
    return new GetResult(headerRevision, true, value, modRevision);
  }

  static GetResult notFound(long headerRevision) {
    return new GetResult(headerRevision, false, null, 0);
  }

  static DeleteResult delete(long revision, long deleted) {
    return new DeleteResult(revision, deleted);
  }

  static CasResult casSucceeded(long revision) {
    return new CasResult(true, revision);
  }

  static CasResult casFailed(long headerRevision) {
    return new CasResult(false, headerRevision);
  }
}
