package io.cairn.server.apply;

import static io.cairn.server.apply.KvFixture.bs;
import static io.cairn.server.apply.KvFixture.refusal;
import static io.cairn.server.apply.KvFixture.str;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.server.errors.EtcdError;
import io.etcd.jetcd.api.CompactionRequest;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeRequest.SortOrder;
import io.etcd.jetcd.api.RangeRequest.SortTarget;
import io.etcd.jetcd.api.RangeResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * etcd 3.5's Range: sort, limit and {@code more}, keys-only, count-only, the revision filters and
 * {@code range_end}. Five keys whose version, create, mod and value orders all differ:
 *
 * <pre>
 *   key  value  version  create  mod
 *   a    x      3        3       15
 *   b    m      1        5       5
 *   c    b      5        2       10
 *   d    z      2        6       16
 *   e    q      4        4       13
 * </pre>
 */
class RangeExecutorTest {
  @TempDir Path dir;
  private KvFixture kv;

  @BeforeAll
  static void quietCompactionLog() {
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.cairn.server.mvcc"))
        .setLevel(ch.qos.logback.classic.Level.WARN);
  }

  @BeforeEach
  void load() {
    kv = new KvFixture(dir);
    kv.put("c", "b"); // 2
    kv.put("a", "-"); // 3
    kv.put("e", "-"); // 4
    kv.put("b", "m"); // 5
    kv.put("d", "-"); // 6
    kv.put("c", "-"); // 7
    kv.put("c", "-"); // 8
    kv.put("c", "-"); // 9
    kv.put("c", "b"); // 10
    kv.put("e", "-"); // 11
    kv.put("e", "-"); // 12
    kv.put("e", "q"); // 13
    kv.put("a", "-"); // 14
    kv.put("a", "x"); // 15
    kv.put("d", "z"); // 16
  }

  @AfterEach
  void close() {
    kv.close();
  }

  private static RangeRequest.Builder all() {
    return RangeRequest.newBuilder().setKey(bs("a")).setRangeEnd(bs("f"));
  }

  private RangeResponse range(RangeRequest.Builder r) {
    return RangeExecutor.range(kv.store, r.build());
  }

  private static List<String> keys(RangeResponse r) {
    return r.getKvsList().stream().map(kv -> str(kv.getKey())).toList();
  }

  @Test
  void fixtureHasTheRevisionsTheTableSays() {
    RangeResponse r = range(all());
    assertThat(r.getKvsList())
        .extracting(
            kv -> str(kv.getKey()) + " " + str(kv.getValue()) + " " + kv.getVersion() + " "
                + kv.getCreateRevision() + " " + kv.getModRevision())
        .containsExactly("a x 3 3 15", "b m 1 5 5", "c b 5 2 10", "d z 2 6 16", "e q 4 4 13");
    assertThat(r.getHeader().getRevision()).isEqualTo(16);
    assertThat(r.getCount()).isEqualTo(5);
    assertThat(r.getMore()).isFalse();
  }

  @Test
  void sortsByEveryTargetInBothOrders() {
    assertSorted(SortTarget.KEY, "a", "b", "c", "d", "e");
    assertSorted(SortTarget.VERSION, "b", "d", "a", "e", "c");
    assertSorted(SortTarget.CREATE, "c", "a", "e", "b", "d");
    assertSorted(SortTarget.MOD, "b", "c", "e", "a", "d");
    assertSorted(SortTarget.VALUE, "c", "b", "e", "a", "d");
  }

  private void assertSorted(SortTarget target, String... ascending) {
    List<String> asc = List.of(ascending);
    List<String> desc = new java.util.ArrayList<>(asc);
    java.util.Collections.reverse(desc);
    assertThat(keys(range(all().setSortTarget(target).setSortOrder(SortOrder.ASCEND))))
        .as("%s ascending", target)
        .isEqualTo(asc);
    assertThat(keys(range(all().setSortTarget(target).setSortOrder(SortOrder.DESCEND))))
        .as("%s descending", target)
        .isEqualTo(desc);
  }

  @Test
  void sortTargetOtherThanKeyWithoutOrderSortsAscending() {
    assertThat(keys(range(all().setSortTarget(SortTarget.MOD)))).containsExactly("b", "c", "e", "a", "d");
    assertThat(keys(range(all().setSortTarget(SortTarget.KEY)))).containsExactly("a", "b", "c", "d", "e");
  }

  @Test
  void limitTruncatesAndSetsMoreWhileCountCoversTheWholeRange() {
    RangeResponse two = range(all().setLimit(2));
    assertThat(keys(two)).containsExactly("a", "b");
    assertThat(two.getMore()).isTrue();
    assertThat(two.getCount()).isEqualTo(5);
    for (long limit : new long[] {5, 6, 0}) {
      RangeResponse r = range(all().setLimit(limit));
      assertThat(r.getKvsCount()).as("limit %d", limit).isEqualTo(5);
      assertThat(r.getMore()).as("limit %d", limit).isFalse();
      assertThat(r.getCount()).isEqualTo(5);
    }
  }

  @Test
  void sortedRangeIsSortedBeforeTheLimitApplies() {
    RangeResponse r = range(all().setSortTarget(SortTarget.MOD).setSortOrder(SortOrder.DESCEND).setLimit(2));
    assertThat(keys(r)).containsExactly("d", "a");
    assertThat(r.getMore()).isTrue();
    assertThat(r.getCount()).isEqualTo(5);
  }

  /**
   * etcd 3.5 reads {@code limit + 1} keys in key order when the sort order is NONE, and only then
   * sorts by a non-key target: the result is the first keys, sorted, not the smallest values.
   */
  @Test
  void sortTargetWithoutOrderSortsOnlyTheFirstLimitPlusOneKeys() {
    RangeResponse r = range(all().setSortTarget(SortTarget.VALUE).setLimit(2));
    assertThat(keys(r)).containsExactly("c", "b");
    assertThat(r.getMore()).isTrue();
  }

  @Test
  void keysOnlyDropsValuesAndKeepsEverythingElse() {
    RangeResponse r = range(all().setKeysOnly(true));
    assertThat(r.getKvsList()).extracting(KeyValue::getValue).containsOnly(bs(""));
    KeyValue a = r.getKvs(0);
    assertThat(a.getVersion()).isEqualTo(3);
    assertThat(a.getCreateRevision()).isEqualTo(3);
    assertThat(a.getModRevision()).isEqualTo(15);
    assertThat(r.getCount()).isEqualTo(5);
  }

  @Test
  void countOnlyAnswersTheCountWithoutKeysOrMore() {
    RangeResponse r = range(all().setCountOnly(true));
    assertThat(r.getKvsList()).isEmpty();
    assertThat(r.getCount()).isEqualTo(5);
    assertThat(r.getMore()).isFalse();
    RangeResponse limited = range(all().setCountOnly(true).setLimit(1));
    assertThat(limited.getKvsList()).isEmpty();
    assertThat(limited.getCount()).isEqualTo(5);
    assertThat(limited.getMore()).isFalse();
  }

  @Test
  void revisionFiltersDropKeysButCountIsTakenBeforeFiltering() {
    RangeResponse minMod = range(all().setMinModRevision(13));
    assertThat(keys(minMod)).containsExactly("a", "d", "e");
    assertThat(minMod.getCount()).isEqualTo(5);
    assertThat(minMod.getMore()).isFalse();
    assertThat(keys(range(all().setMaxModRevision(10)))).containsExactly("b", "c");
    assertThat(keys(range(all().setMinCreateRevision(4)))).containsExactly("b", "d", "e");
    assertThat(keys(range(all().setMaxCreateRevision(3)))).containsExactly("a", "c");
    assertThat(keys(range(all().setMinModRevision(10).setMaxModRevision(15))))
        .containsExactly("a", "c", "e");
    assertThat(keys(range(all().setMinCreateRevision(3).setMaxCreateRevision(5).setMinModRevision(6))))
        .containsExactly("a", "e");
  }

  @Test
  void moreIsSetOnlyWhenTheLimitTruncatedTheFilteredKeys() {
    RangeResponse truncated = range(all().setMinModRevision(13).setLimit(2));
    assertThat(keys(truncated)).containsExactly("a", "d");
    assertThat(truncated.getMore()).isTrue();
    assertThat(truncated.getCount()).isEqualTo(5);
    RangeResponse fits = range(all().setMinModRevision(13).setLimit(3));
    assertThat(keys(fits)).containsExactly("a", "d", "e");
    assertThat(fits.getMore()).isFalse();
    assertThat(fits.getCount()).isEqualTo(5);
  }

  @Test
  void readAtAPastRevisionSeesTheKeysAsTheyWereAndTheHeaderHasTheCurrentRevision() {
    RangeResponse r = range(all().setRevision(6));
    assertThat(r.getKvsList())
        .extracting(kv -> str(kv.getKey()) + " v" + kv.getVersion() + " m" + kv.getModRevision())
        .containsExactly("a v1 m3", "b v1 m5", "c v1 m2", "d v1 m6", "e v1 m4");
    assertThat(r.getHeader().getRevision()).isEqualTo(16);
    assertThat(keys(range(all().setRevision(3)))).containsExactly("a", "c");
  }

  @Test
  void readAtAFutureOrCompactedRevisionIsRefused() throws Exception {
    assertThat(refusal(() -> range(all().setRevision(17)))).isEqualTo(EtcdError.FUTURE_REV);
    kv.apply(b -> kv.applier.compaction(b, CompactionRequest.newBuilder().setRevision(10).build(), 16))
        .physical()
        .get(10, TimeUnit.SECONDS);
    assertThat(refusal(() -> range(all().setRevision(9)))).isEqualTo(EtcdError.COMPACTED);
    assertThat(keys(range(all().setRevision(10)))).containsExactly("a", "b", "c", "d", "e");
  }

  @Test
  void rangeEndSelectsOneKeyAnIntervalEverythingFromAKeyOrEverything() {
    kv.put("\u0000", "zero");
    kv.put("\u00ff", "high");
    assertThat(keys(range(RangeRequest.newBuilder().setKey(bs("c"))))).containsExactly("c");
    assertThat(keys(range(RangeRequest.newBuilder().setKey(bs("cc"))))).isEmpty();
    assertThat(keys(range(RangeRequest.newBuilder().setKey(bs("b")).setRangeEnd(bs("d")))))
        .containsExactly("b", "c");
    assertThat(keys(range(RangeRequest.newBuilder().setKey(bs("d")).setRangeEnd(bs("\0")))))
        .containsExactly("d", "e", "\u00ff");
    assertThat(keys(range(RangeRequest.newBuilder().setKey(bs("\0")).setRangeEnd(bs("\0")))))
        .containsExactly("\u0000", "a", "b", "c", "d", "e", "\u00ff");
    assertThat(keys(range(RangeRequest.newBuilder().setKey(bs("d")).setRangeEnd(bs("b"))))).isEmpty();
    RangeResponse count = range(RangeRequest.newBuilder().setKey(bs("\0")).setRangeEnd(bs("\0")).setLimit(1));
    assertThat(count.getCount()).isEqualTo(7);
    assertThat(keys(count)).containsExactly("\u0000");
  }
}
