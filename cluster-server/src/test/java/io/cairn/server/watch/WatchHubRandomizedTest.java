package io.cairn.server.watch;

import static io.cairn.server.watch.HubFixture.deleteOp;
import static io.cairn.server.watch.HubFixture.putOp;

import io.cairn.server.mvcc.WriteTxn;
import io.cairn.server.watch.HubFixture.Stream;
import io.cairn.server.watch.HubFixture.Watch;
import io.etcd.jetcd.api.WatchCreateRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random writes (puts, multi-key transactions, range deletes, several requests per commit) and
 * random watches (single keys, prefixes, ranges, from-key, everything; from a random past, from
 * now or from the future; with prev_kv and filters), some on streams that stall for a while, while
 * the writes go on. Every watch must deliver exactly the store's full history for its keys from
 * its start revision. Seeded: a failure names the seed, and {@code -Dwatch.seed=N} replays it.
 */
class WatchHubRandomizedTest {
  private static final int ROUNDS = Integer.getInteger("watch.rounds", 10);

  @TempDir Path dir;

  @Test
  void watchesFromRandomRevisionsDeliverTheStoresHistory() {
    Long fixed = Long.getLong("watch.seed");
    List<Long> seeds = new ArrayList<>();
    if (fixed != null) {
      seeds.add(fixed);
    } else {
      Random master = new Random();
      for (int i = 0; i < ROUNDS; i++) {
        seeds.add(master.nextLong());
      }
    }
    for (int i = 0; i < seeds.size(); i++) {
      long seed = seeds.get(i);
      try (HubFixture f = new HubFixture(dir.resolve("round-" + i))) {
        new Round(f, new Random(seed)).run();
      } catch (Throwable t) {
        String msg = "watch round failed with seed " + seed + " (replay: -Dwatch.seed=" + seed + ")";
        System.err.println(msg);
        throw new AssertionError(msg + ": " + t.getMessage(), t);
      }
    }
  }

  private static final class Round {
    private final HubFixture f;
    private final Random rnd;
    private final List<String> keys;
    private final List<Stream> streams = new ArrayList<>();
    private final List<Watch> watches = new ArrayList<>();

    Round(HubFixture f, Random rnd) {
      this.f = f;
      this.rnd = rnd;
      String[] prefixes = {"a/", "a/b/", "ab", "b/", "", "\u00e9/", "\u00ff"};
      Set<String> ks = new LinkedHashSet<>();
      int n = 3 + rnd.nextInt(18);
      while (ks.size() < n) {
        ks.add(prefixes[rnd.nextInt(prefixes.length)] + (char) ('a' + rnd.nextInt(6))
            + (rnd.nextInt(4) == 0 ? "\u0090" : ""));
      }
      keys = new ArrayList<>(ks);
      Collections.sort(keys);
    }

    void run() {
      write(rnd.nextInt(3_000));
      int nStreams = 1 + rnd.nextInt(3);
      for (int i = 0; i < nStreams; i++) {
        streams.add(f.stream());
      }
      int nWatches = 1 + rnd.nextInt(8);
      for (int i = 0; i < nWatches; i++) {
        watch();
      }
      // Writes go on while the watchers catch up; streams stall and resume; more watchers come.
      // A stream stalled long enough overflows its outbox, and its watchers fall back to the store.
      int more = rnd.nextInt(3_000);
      while (more > 0) {
        int step = 1 + rnd.nextInt(Math.min(more, 300));
        write(step);
        more -= step;
        Stream s = streams.get(rnd.nextInt(streams.size()));
        if (rnd.nextInt(3) == 0) {
          if (s.stalled()) {
            s.resume();
          } else {
            s.stall();
          }
        }
        if (rnd.nextInt(3) == 0) {
          watch();
        }
      }
      streams.forEach(Stream::resume);
      if (rnd.nextBoolean()) {
        write(1 + rnd.nextInt(50));
      }
      for (Watch w : watches) {
        f.assertDelivers(w);
      }
    }

    /** Commits about {@code revisions} revisions, several requests per batch at times. */
    private void write(int revisions) {
      int done = 0;
      while (done < revisions) {
        int requests = rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(8) : 1;
        List<Consumer<WriteTxn>> batch = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
          batch.add(request());
        }
        f.apply(batch);
        done += requests;
      }
    }

    private Consumer<WriteTxn> request() {
      int kind = rnd.nextInt(20);
      String v = "v" + rnd.nextInt(1_000);
      if (kind < 14) {
        return putOp(key(), v);
      }
      if (kind < 17) {
        List<String> ks = new ArrayList<>(keys);
        Collections.shuffle(ks, rnd);
        List<Consumer<WriteTxn>> puts = new ArrayList<>();
        for (String k : ks.subList(0, Math.min(ks.size(), 2 + rnd.nextInt(4)))) {
          puts.add(putOp(k, v));
        }
        return t -> puts.forEach(p -> p.accept(t));
      }
      String[] r = range();
      return deleteOp(r[0], r[1]);
    }

    private String key() {
      return rnd.nextInt(10) == 0 ? "none" : keys.get(rnd.nextInt(keys.size()));
    }

    /** A key range as etcd encodes it: key and range end. */
    private String[] range() {
      String k = key();
      switch (rnd.nextInt(6)) {
        case 0, 1:
          return new String[] {k, ""};
        case 2: {
          String p = k.substring(0, rnd.nextInt(k.length() + 1));
          return p.isEmpty() ? new String[] {"\0", "\0"} : new String[] {p, prefixEnd(p)};
        }
        case 3: {
          String o = key();
          return k.compareTo(o) <= 0 ? new String[] {k, o} : new String[] {o, k};
        }
        case 4:
          return new String[] {k, "\0"};
        default:
          return new String[] {"\0", "\0"};
      }
    }

    private void watch() {
      String[] r = range();
      long current = f.store.currentRevision();
      long start = switch (rnd.nextInt(8)) {
        case 0 -> 0; // from now
        case 1 -> current + 1 + rnd.nextInt(20); // from the future
        default -> 1 + (long) (rnd.nextDouble() * current);
      };
      WatchCreateRequest.Builder c = HubFixture.create(r[0], r[1], start)
          .setPrevKv(rnd.nextBoolean());
      if (rnd.nextInt(6) == 0) {
        c.addFilters(rnd.nextBoolean()
            ? WatchCreateRequest.FilterType.NOPUT : WatchCreateRequest.FilterType.NODELETE);
      }
      Stream s = streams.get(rnd.nextInt(streams.size()));
      s.resume(); // the created response has to get through
      watches.add(s.watch(c));
    }

    private static String prefixEnd(String p) {
      char[] c = p.toCharArray();
      for (int i = c.length - 1; i >= 0; i--) {
        if (c[i] < 0xff) {
          c[i]++;
          return new String(c, 0, i + 1);
        }
      }
      return "\0";
    }
  }
}
