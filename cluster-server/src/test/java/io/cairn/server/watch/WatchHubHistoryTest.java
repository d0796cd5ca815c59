package io.cairn.server.watch;

import static io.cairn.server.watch.HubFixture.deleteOp;
import static io.cairn.server.watch.HubFixture.putOp;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.server.mvcc.History;
import io.cairn.server.mvcc.KeyRange;
import io.cairn.server.mvcc.WriteTxn;
import io.cairn.server.watch.HubFixture.Stream;
import io.cairn.server.watch.HubFixture.Watch;
import io.etcd.jetcd.api.Event;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Watchers that start in the past, over a real store: the catch-up must deliver every revision
 * of their keys, once and in order, however many other revisions lie between them, and then hand
 * over to live delivery without a gap.
 */
class WatchHubHistoryTest {
  @TempDir Path dir;
  private HubFixture f;

  @BeforeEach
  void open() {
    f = new HubFixture(dir);
  }

  @AfterEach
  void close() {
    f.close();
  }

  @Test
  void storeHistoryCoversEveryRevisionOfTheStretchItReports() {
    for (int i = 0; i < 300; i++) {
      f.put("h/" + (i % 7), "v" + i); // revisions 2..301
    }
    KeyRange all = KeyRange.of(HubFixture.bs("\0"), HubFixture.bs("\0"));
    for (long[] stretch : new long[][] {{1, 301}, {2, 200}, {100, 130}, {127, 129}, {250, 301}}) {
      History h = f.store.history(all, stretch[0], stretch[1], false, 100_000);
      assertThat(h.lastRevision()).isEqualTo(stretch[1]);
      assertThat(h.events()).extracting(e -> e.getKv().getModRevision())
          .as("revisions %d..%d", stretch[0], stretch[1])
          .containsExactlyElementsOf(revisions(Math.max(2, stretch[0]), stretch[1]));
    }
    // Limited reads stop at a revision boundary, and the next read goes on from there.
    long next = 1;
    List<Long> seen = new ArrayList<>();
    while (next <= 301) {
      History h = f.store.history(all, next, 301, false, 37);
      h.events().forEach(e -> seen.add(e.getKv().getModRevision()));
      assertThat(h.lastRevision()).isGreaterThanOrEqualTo(next);
      next = h.lastRevision() + 1;
    }
    assertThat(seen).containsExactlyElementsOf(revisions(2, 301));
  }

  @Test
  void oneKeyAmongManyWritesToOtherKeysFromRevisionOne() {
    for (int i = 0; i < 200; i++) {
      f.put("k", "v" + i);
      List<Consumer<WriteTxn>> others = new ArrayList<>();
      for (int j = 0; j < 50; j++) {
        others.add(putOp("o/" + (i * 50 + j) % 97, "x" + j));
      }
      f.apply(others);
    }
    assertThat(f.store.currentRevision()).isEqualTo(1 + 200 * 51);

    Stream s = f.stream();
    Watch fromOne = s.watch(HubFixture.create("k", "", 1).setPrevKv(true));
    Watch plain = s.watch(HubFixture.create("k", "", 1));
    Watch fromMiddle = f.stream().watch(HubFixture.create("k", "", 5_000).setPrevKv(true));
    f.assertDelivers(fromOne);
    f.assertDelivers(plain);
    f.assertDelivers(fromMiddle);
    assertThat(fromOne.events()).hasSize(200);
    assertThat(fromOne.events().get(0).hasPrevKv()).isFalse();
    assertThat(fromOne.events().get(199).getPrevKv().getValue().toStringUtf8()).isEqualTo("v198");
    assertThat(plain.events()).noneMatch(Event::hasPrevKv);

    // And then live, on the same watchers.
    long rev = f.put("k", "live");
    Watch w = fromOne;
    f.assertDelivers(w);
    assertThat(w.events().get(w.events().size() - 1).getKv().getModRevision()).isEqualTo(rev);
  }

  @Test
  void prefixAndRangeWatchesFromThePast() {
    for (int i = 0; i < 600; i++) {
      List<Consumer<WriteTxn>> batch = new ArrayList<>();
      batch.add(putOp("p/" + i % 10, "v" + i));
      if (i % 9 == 4) {
        batch.add(deleteOp("p/" + (i + 3) % 10, ""));
      }
      if (i % 50 == 49) {
        batch.add(deleteOp("p/", "p0")); // every p/ key in one revision
      }
      for (int j = 0; j < 17; j++) {
        batch.add(putOp((j % 2 == 0 ? "q/" : "o") + j, "x" + i)); // neighbours of the prefix
      }
      f.apply(batch);
    }
    Stream s = f.stream();
    List<Watch> watches = List.of(
        s.watch(HubFixture.create("p/", "p0", 1).setPrevKv(true)),
        s.watch(HubFixture.create("p/", "p0", 3_000)),
        s.watch(HubFixture.create("p/3", "p/7", 1).setPrevKv(true)),
        f.stream().watch(HubFixture.create("p/", "\0", 2)),
        f.stream().watch(HubFixture.create("p/", "p0", 1)
            .addFilters(io.etcd.jetcd.api.WatchCreateRequest.FilterType.NOPUT)));
    for (Watch w : watches) {
      f.assertDelivers(w);
    }
    assertThat(watches.get(0).events()).hasSizeGreaterThan(600);
  }

  @Test
  void watchFromThePastHandsOverToLiveWhileWritesGoOn() {
    for (int i = 0; i < 3_000; i++) {
      f.apply(putOp(i % 30 == 0 ? "k" : "o/" + i % 13, "v" + i));
    }
    Stream s = f.stream();
    Watch key = s.watch(HubFixture.create("k", "", 1).setPrevKv(true));
    Watch prefix = s.watch(HubFixture.create("o/", "o0", 1));
    Watch late = f.stream().watch(HubFixture.create("k", "", 2_900));
    // Keep writing while the watchers catch up: some revisions go to them through the store,
    // the rest through notification, and none twice.
    for (int i = 0; i < 2_000; i++) {
      if (i % 10 == 0) {
        f.apply(putOp("k", "w" + i), putOp("o/x", "w" + i), deleteOp("o/" + i % 13, ""));
      } else {
        f.apply(putOp("o/" + i % 13, "w" + i));
      }
    }
    Watch now = f.stream().watch(HubFixture.create("k", "", 0));
    f.put("k", "last");
    for (Watch w : List.of(key, prefix, late, now)) {
      f.assertDelivers(w);
    }
    assertThat(now.events()).hasSize(1);
  }

  @Test
  void prevKvOfCatchUpMatchesLive() {
    Stream s = f.stream();
    Watch live = s.watch(HubFixture.create("k", "", 0).setPrevKv(true));
    for (int i = 0; i < 500; i++) {
      switch (i % 5) {
        case 0, 1 -> f.put("k", "v" + i);
        case 2 -> f.apply(deleteOp("k", ""));
        default -> f.apply(putOp("a" + i % 11, "x"), putOp("z" + i % 11, "y"));
      }
    }
    Watch past = f.stream().watch(HubFixture.create("k", "", 1).setPrevKv(true));
    f.assertDelivers(live);
    f.assertDelivers(past);
    assertThat(HubFixture.describe(past.events())).isEqualTo(HubFixture.describe(live.events()));
    assertThat(past.events()).filteredOn(e -> e.getType() == Event.EventType.DELETE)
        .allMatch(Event::hasPrevKv).hasSize(100);
  }

  @Test
  void stalledStreamFallsBehindAndCatchesUpWithoutAGap() {
    Stream slow = f.stream();
    Watch all = slow.watch(HubFixture.create("\0", "\0", 0));
    Watch key = slow.watch(HubFixture.create("k", "", 0).setPrevKv(true));
    slow.stall();
    for (int i = 0; i < 3_000; i++) {
      f.apply(putOp(i % 7 == 0 ? "k" : "o/" + i % 13, "v" + i));
    }
    slow.resume();
    for (int i = 0; i < 500; i++) {
      f.apply(putOp(i % 7 == 0 ? "k" : "o/" + i % 13, "w" + i));
    }
    f.assertDelivers(all);
    f.assertDelivers(key);
  }

  @Test
  void watchFromAFutureRevisionStartsThere() {
    for (int i = 0; i < 300; i++) {
      f.put("k", "v" + i);
    }
    long now = f.store.currentRevision();
    Stream s = f.stream();
    Watch future = s.watch(HubFixture.create("k", "", now + 5).setPrevKv(true));
    Watch futureRange = s.watch(HubFixture.create("\0", "\0", now + 9));
    for (int i = 0; i < 20; i++) {
      f.put(i % 2 == 0 ? "k" : "j", "w" + i);
    }
    f.assertDelivers(future);
    f.assertDelivers(futureRange);
    assertThat(future.events().get(0).getKv().getModRevision()).isEqualTo(now + 5);
    assertThat(futureRange.events().get(0).getKv().getModRevision()).isEqualTo(now + 9);
  }

  private static List<Long> revisions(long from, long to) {
    List<Long> out = new ArrayList<>();
    for (long r = from; r <= to; r++) {
      out.add(r);
    }
    return out;
  }
}
