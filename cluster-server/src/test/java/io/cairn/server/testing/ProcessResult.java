package io.cairn.server.testing;

/** Outcome of a finished child process. */
public record ProcessResult(int exitCode, String stdout, String stderr) {

  /** stdout followed by stderr. */
  public String combined() {
    return stdout + stderr;
  }

  @Override
  public String toString() {
    return "exit " + exitCode + "\n--- stdout ---\n" + stdout + "--- stderr ---\n" + stderr;
  }
}
