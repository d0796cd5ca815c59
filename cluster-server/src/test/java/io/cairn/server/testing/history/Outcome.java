package io.cairn.server.testing.history;

/** How an operation ended, as far as the client knows. */
public enum Outcome {
  /** Still outstanding when the history was taken; treated like {@link #UNKNOWN}. */
  PENDING,
  /** The server answered; the operation took effect (if a write) with the recorded result. */
  OK,
  /** The operation certainly did not take effect. */
  FAIL,
  /**
   * Indeterminate (timeout, lost connection): it may have taken effect at any time after its
   * invocation, even after the end of the history, or not at all.
   */
  UNKNOWN;

  /** True for outcomes where a write may or may not have taken effect. */
  public boolean indeterminate() {
    return this == PENDING || this == UNKNOWN;
  }
}
