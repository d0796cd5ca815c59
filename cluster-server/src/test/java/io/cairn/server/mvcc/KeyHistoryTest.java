package io.cairn.server.mvcc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Checks {@link KeyHistory} against a plain list of entries over many random histories: every
 * lookup, every compaction, and that snapshots already handed out never change.
 *
 * <p>Replay one case with {@code -Dkeyhistory.seed=N}.
 */
class KeyHistoryTest {
  private static final int CASES = 4_000;
  private static final int OPS = 40;

  /** One entry of the oracle. */
  private record Entry(long main, long sub, boolean tombstone, long created, long version) {}

  @Test
  void lookupsAndCompactionsAgreeWithANaiveList() {
    Long single = Long.getLong("keyhistory.seed");
    if (single != null) {
      runCase(single);
      return;
    }
    long base = Long.getLong("keyhistory.baseSeed", System.nanoTime());
    System.out.println("KeyHistoryTest base seed " + base + " (-Dkeyhistory.baseSeed=" + base + ")");
    Random seeds = new Random(base);
    for (int i = 0; i < CASES; i++) {
      long seed = seeds.nextLong();
      try {
        runCase(seed);
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError(
            "case " + i + " failed; replay with -Dkeyhistory.seed=" + seed + ": " + e.getMessage(),
            e);
      }
    }
  }

  private static void runCase(long seed) {
    Random rnd = new Random(seed);
    KeyHistory h = new KeyHistory();
    List<Entry> oracle = new ArrayList<>();
    long main = 1 + rnd.nextInt(3);
    long compacted = 0;
    // Snapshots taken earlier, with the entries they showed then: they must never change.
    List<KeyHistory.Snapshot> oldSnaps = new ArrayList<>();
    List<List<Entry>> oldViews = new ArrayList<>();
    for (int op = 0; op < OPS; op++) {
      int kind = rnd.nextInt(10);
      if (kind < 5) {
        // Append; the same main revision again now and then (several subs of one request).
        if (oracle.isEmpty() || rnd.nextInt(4) != 0) {
          main += 1 + rnd.nextInt(3);
        }
        long sub = 0;
        if (!oracle.isEmpty() && oracle.get(oracle.size() - 1).main() == main) {
          sub = oracle.get(oracle.size() - 1).sub() + 1 + rnd.nextInt(2);
        } else {
          sub = rnd.nextInt(3);
        }
        boolean tomb = rnd.nextInt(4) == 0;
        long created = tomb ? 0 : 1 + rnd.nextInt(1000);
        long version = tomb ? 0 : 1 + rnd.nextInt(1000);
        h.append(main, sub, tomb, created, version);
        oracle.add(new Entry(main, sub, tomb, created, version));
      } else if (kind < 7) {
        // Compact at a revision not below the last compaction (the store never goes back).
        long rev = compacted + rnd.nextInt((int) Math.max(1, main - compacted + 3));
        int expectedKept = expectedKeptIndex(oracle, rev);
        List<Entry> expectedAfter = expectedAfterCompaction(oracle, rev);
        // Semantic check: every read at or after rev answers the same before and after.
        long[] probes = probes(rnd, rev, main + 2);
        List<Entry> liveBefore = new ArrayList<>();
        for (long p : probes) {
          liveBefore.add(naiveLive(oracle, p));
        }
        int kept = h.compact(rev);
        assertThat(kept).as("index of kept entry, compact(%d) of %s", rev, oracle).isEqualTo(expectedKept);
        oracle = expectedAfter;
        compacted = rev;
        assertSame(h.snapshot(), oracle);
        for (int i = 0; i < probes.length; i++) {
          assertThat(naiveLive(oracle, probes[i]))
              .as("oracle self-check at %d", probes[i])
              .isEqualTo(liveBefore.get(i));
          int li = h.snapshot().liveAt(probes[i]);
          assertThat(li < 0 ? null : entryAt(h.snapshot(), li))
              .as("liveAt(%d) after compact(%d)", probes[i], rev)
              .isEqualTo(liveBefore.get(i));
        }
        assertThat(h.isEmpty()).isEqualTo(oracle.isEmpty());
      } else if (kind < 9) {
        KeyHistory.Snapshot s = h.snapshot();
        for (int q = 0; q < 4; q++) {
          long rev = rnd.nextInt((int) main + 3);
          int got = s.atOrBefore(rev);
          int want = naiveAtOrBefore(oracle, rev);
          assertThat(got).as("atOrBefore(%d) of %s", rev, oracle).isEqualTo(want);
          int live = s.liveAt(rev);
          int wantLive = want >= 0 && !oracle.get(want).tombstone() ? want : -1;
          assertThat(live).as("liveAt(%d) of %s", rev, oracle).isEqualTo(wantLive);
        }
      } else {
        oldSnaps.add(h.snapshot());
        oldViews.add(List.copyOf(oracle));
      }
      assertSame(h.snapshot(), oracle);
      for (int i = 0; i < oldSnaps.size(); i++) {
        assertSame(oldSnaps.get(i), oldViews.get(i));
      }
    }
  }

  private static long[] probes(Random rnd, long from, long to) {
    long[] p = new long[5];
    p[0] = from;
    p[1] = to;
    for (int i = 2; i < p.length; i++) {
      p[i] = from + rnd.nextInt((int) Math.max(1, to - from + 1));
    }
    return p;
  }

  private static void assertSame(KeyHistory.Snapshot s, List<Entry> oracle) {
    List<Entry> got = new ArrayList<>();
    for (int i = 0; i < s.size(); i++) {
      got.add(entryAt(s, i));
    }
    assertThat(got).isEqualTo(oracle);
  }

  private static Entry entryAt(KeyHistory.Snapshot s, int i) {
    return new Entry(s.main(i), s.sub(i), s.tombstone(i), s.created(i), s.version(i));
  }

  private static int naiveAtOrBefore(List<Entry> l, long rev) {
    int found = -1;
    for (int i = 0; i < l.size(); i++) {
      if (l.get(i).main() <= rev) {
        found = i;
      }
    }
    return found;
  }

  private static Entry naiveLive(List<Entry> l, long rev) {
    int i = naiveAtOrBefore(l, rev);
    return i >= 0 && !l.get(i).tombstone() ? l.get(i) : null;
  }

  /** etcd's rule: keep what is above rev, and the newest at or below rev unless a tombstone. */
  private static List<Entry> expectedAfterCompaction(List<Entry> l, long rev) {
    int newest = naiveAtOrBefore(l, rev);
    List<Entry> out = new ArrayList<>();
    for (int i = 0; i < l.size(); i++) {
      Entry e = l.get(i);
      if (e.main() > rev || (i == newest && !e.tombstone())) {
        out.add(e);
      }
    }
    return out;
  }

  private static int expectedKeptIndex(List<Entry> l, long rev) {
    int newest = naiveAtOrBefore(l, rev);
    return newest >= 0 && !l.get(newest).tombstone() ? newest : -1;
  }
}
