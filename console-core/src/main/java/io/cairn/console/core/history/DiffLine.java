package io.cairn.console.core.history;

/**
 * One line of a diff. Line numbers are 1-based; {@code oldLine} is 0 for an added line and
 * {@code newLine} is 0 for a removed line.
 */
public record DiffLine(Kind kind, String text, int oldLine, int newLine) {
  public enum Kind {
    SAME,
    ADDED,
    REMOVED
  }
}
