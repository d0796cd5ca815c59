package io.cairn.console.core.history;

import io.cairn.console.core.history.DiffLine.Kind;
import io.cairn.console.core.values.ValueRenderer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Line diffs for comparing two revisions of a value: a longest-common-subsequence diff after the
 * common head and tail are set aside. The LCS table is bounded ({@link #MAX_CELLS}); beyond it the
 * changed middle is shown coarsely (all old lines removed, then all new lines added) rather than
 * spending quadratic memory.
 */
public final class Diff {
  /** Largest LCS table (changed old lines × changed new lines), one byte per cell. */
  static final long MAX_CELLS = 4_000_000;

  private static final byte DIAGONAL = 0;
  private static final byte REMOVE = 1;
  private static final byte ADD = 2;

  private Diff() {}

  /** The line diff from {@code older} to {@code newer}; lines are split on {@code \n}. */
  public static List<DiffLine> lines(String older, String newer) {
    String[] a = split(older);
    String[] b = split(newer);
    List<DiffLine> out = new ArrayList<>(Math.max(a.length, b.length) + 8);
    int head = 0;
    while (head < a.length && head < b.length && a[head].equals(b[head])) {
      out.add(new DiffLine(Kind.SAME, a[head], head + 1, head + 1));
      head++;
    }
    int tail = 0;
    while (tail < a.length - head && tail < b.length - head
        && a[a.length - 1 - tail].equals(b[b.length - 1 - tail])) {
      tail++;
    }
    int n = a.length - head - tail;
    int m = b.length - head - tail;
    if ((long) n * m <= MAX_CELLS) {
      middleLcs(a, b, head, n, m, out);
    } else {
      for (int i = 0; i < n; i++) {
        out.add(new DiffLine(Kind.REMOVED, a[head + i], head + i + 1, 0));
      }
      for (int j = 0; j < m; j++) {
        out.add(new DiffLine(Kind.ADDED, b[head + j], 0, head + j + 1));
      }
    }
    for (int k = tail; k > 0; k--) {
      out.add(new DiffLine(Kind.SAME, a[a.length - k], a.length - k + 1, b.length - k + 1));
    }
    return out;
  }

  /**
   * The diff of two stored values: as text when both are printable UTF-8, otherwise of their hex
   * dumps (so a binary value's changed bytes show as changed dump lines).
   */
  public static List<DiffLine> values(byte[] older, byte[] newer) {
    if (ValueRenderer.isText(older) && ValueRenderer.isText(newer)) {
      return lines(new String(older, StandardCharsets.UTF_8),
          new String(newer, StandardCharsets.UTF_8));
    }
    return lines(ValueRenderer.hexDump(older), ValueRenderer.hexDump(newer));
  }

  /** LCS over the changed middle: a[head..head+n) against b[head..head+m). */
  private static void middleLcs(String[] a, String[] b, int head, int n, int m, List<DiffLine> out) {
    // dir[i*m+j] says which step an LCS of the suffixes a[i..] and b[j..] takes first.
    byte[] dir = new byte[n * m];
    int[] below = new int[m + 1];
    int[] row = new int[m + 1];
    for (int i = n - 1; i >= 0; i--) {
      row[m] = 0;
      for (int j = m - 1; j >= 0; j--) {
        if (a[head + i].equals(b[head + j])) {
          row[j] = below[j + 1] + 1;
          dir[i * m + j] = DIAGONAL;
        } else if (below[j] >= row[j + 1]) {
          row[j] = below[j];
          dir[i * m + j] = REMOVE;
        } else {
          row[j] = row[j + 1];
          dir[i * m + j] = ADD;
        }
      }
      int[] t = below;
      below = row;
      row = t;
    }
    int i = 0;
    int j = 0;
    while (i < n || j < m) {
      if (i == n) {
        out.add(new DiffLine(Kind.ADDED, b[head + j], 0, head + j + 1));
        j++;
      } else if (j == m) {
        out.add(new DiffLine(Kind.REMOVED, a[head + i], head + i + 1, 0));
        i++;
      } else {
        switch (dir[i * m + j]) {
          case DIAGONAL -> {
            out.add(new DiffLine(Kind.SAME, a[head + i], head + i + 1, head + j + 1));
            i++;
            j++;
          }
          case REMOVE -> {
            out.add(new DiffLine(Kind.REMOVED, a[head + i], head + i + 1, 0));
            i++;
          }
          default -> {
            out.add(new DiffLine(Kind.ADDED, b[head + j], 0, head + j + 1));
            j++;
          }
        }
      }
    }
  }

  /** Lines of {@code s}; a final newline does not start another (empty) line. */
  static String[] split(String s) {
    if (s == null || s.isEmpty()) {
      return new String[0];
    }
    String body = s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
    return body.split("\n", -1);
  }
}
