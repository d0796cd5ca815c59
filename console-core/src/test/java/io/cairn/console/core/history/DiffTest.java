package io.cairn.console.core.history;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.console.core.history.DiffLine.Kind;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DiffTest {

  @Test
  void smallEditShowsRemovedThenAddedBetweenSameLines() {
    List<DiffLine> d = Diff.lines("a\nb\nc\n", "a\nB\nc\nd\n");
    assertThat(d).containsExactly(
        new DiffLine(Kind.SAME, "a", 1, 1),
        new DiffLine(Kind.REMOVED, "b", 2, 0),
        new DiffLine(Kind.ADDED, "B", 0, 2),
        new DiffLine(Kind.SAME, "c", 3, 3),
        new DiffLine(Kind.ADDED, "d", 0, 4));
  }

  @Test
  void emptyInputs() {
    assertThat(Diff.lines("", "")).isEmpty();
    assertThat(Diff.lines("", "x")).containsExactly(new DiffLine(Kind.ADDED, "x", 0, 1));
    assertThat(Diff.lines("x\n", "")).containsExactly(new DiffLine(Kind.REMOVED, "x", 1, 0));
  }

  /** Oracle: on random inputs the diff rebuilds both sides and keeps a longest common subsequence. */
  @Test
  void randomDiffsRebuildBothSidesAndAreMinimal() {
    Random rnd = new Random(42);
    for (int round = 0; round < 500; round++) {
      List<String> a = randomLines(rnd, rnd.nextInt(30));
      List<String> b = randomLines(rnd, rnd.nextInt(30));
      List<DiffLine> d = Diff.lines(join(a), join(b));
      assertThat(side(d, Kind.ADDED)).as("old side, round %d", round).isEqualTo(a);
      assertThat(side(d, Kind.REMOVED)).as("new side, round %d", round).isEqualTo(b);
      long same = d.stream().filter(l -> l.kind() == Kind.SAME).count();
      assertThat(same).as("LCS length, round %d", round).isEqualTo(naiveLcs(a, b));
      checkLineNumbers(d);
    }
  }

  @Test
  void hugeInputsFallBackToACoarseDiffThatIsStillCorrect() {
    List<String> a = IntStream.range(0, 5000).mapToObj(i -> "old " + i).toList();
    List<String> b = IntStream.range(0, 5000).mapToObj(i -> "new " + i).toList();
    List<String> a2 = new ArrayList<>(a);
    a2.add(0, "head");
    List<String> b2 = new ArrayList<>(b);
    b2.add(0, "head");
    List<DiffLine> d = Diff.lines(join(a2), join(b2));
    assertThat(d.get(0)).isEqualTo(new DiffLine(Kind.SAME, "head", 1, 1));
    assertThat(d).hasSize(1 + 10_000);
    assertThat(side(d, Kind.ADDED)).isEqualTo(a2);
    assertThat(side(d, Kind.REMOVED)).isEqualTo(b2);
  }

  @Test
  void binaryValuesAreDiffedAsHexDumps() {
    byte[] older = new byte[64];
    byte[] newer = older.clone();
    newer[40] = (byte) 0xff;
    List<DiffLine> d = Diff.values(older, newer);
    assertThat(d.stream().filter(l -> l.kind() != Kind.SAME))
        .extracting(DiffLine::text)
        .containsExactly(
            "00000020  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|",
            "00000020  00 00 00 00 00 00 00 00  ff 00 00 00 00 00 00 00  |................|");
    assertThat(Diff.values("x\ny".getBytes(StandardCharsets.UTF_8),
        "x\nz".getBytes(StandardCharsets.UTF_8))).extracting(DiffLine::text)
        .containsExactly("x", "y", "z");
  }

  private static void checkLineNumbers(List<DiffLine> d) {
    int oldLine = 0;
    int newLine = 0;
    for (DiffLine l : d) {
      if (l.kind() != Kind.ADDED) {
        assertThat(l.oldLine()).isEqualTo(++oldLine);
      } else {
        assertThat(l.oldLine()).isZero();
      }
      if (l.kind() != Kind.REMOVED) {
        assertThat(l.newLine()).isEqualTo(++newLine);
      } else {
        assertThat(l.newLine()).isZero();
      }
    }
  }

  private static List<String> side(List<DiffLine> d, Kind without) {
    return d.stream().filter(l -> l.kind() != without).map(DiffLine::text).toList();
  }

  private static List<String> randomLines(Random rnd, int n) {
    return IntStream.range(0, n).mapToObj(i -> "l" + rnd.nextInt(5)).collect(Collectors.toList());
  }

  private static String join(List<String> lines) {
    return lines.isEmpty() ? "" : String.join("\n", lines) + "\n";
  }

  private static int naiveLcs(List<String> a, List<String> b) {
    int[][] t = new int[a.size() + 1][b.size() + 1];
    for (int i = 1; i <= a.size(); i++) {
      for (int j = 1; j <= b.size(); j++) {
        t[i][j] = a.get(i - 1).equals(b.get(j - 1))
            ? t[i - 1][j - 1] + 1 : Math.max(t[i - 1][j], t[i][j - 1]);
      }
    }
    return t[a.size()][b.size()];
  }
}
