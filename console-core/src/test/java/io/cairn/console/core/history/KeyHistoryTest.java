package io.cairn.console.core.history;

import static io.cairn.server.testing.Clients.bytes;
import static io.cairn.server.testing.Clients.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.console.core.keys.Members;
import io.cairn.server.testing.ServerKind;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Key history and restore against a real Cairn member and a real etcd. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeyHistoryTest {
  private final Members members = new Members(KeyHistoryTest.class);

  @AfterAll
  void close() {
    members.close();
  }

  /**
   * 50 revisions in three generations (20 puts, delete, 15 puts, delete, 13 puts) interleaved with
   * writes to another key, compacted in the middle of the second generation: the history is exactly
   * the revisions after the compaction, newest first, deletions marked, plus the value the key still
   * had at the compact revision; the compact revision is reported.
   */
  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void historyCrossesDeletionsAndStopsAtTheCompaction(ServerKind kind) {
    Client client = members.client(kind);
    KV kv = client.getKVClient();
    ByteSequence key = bytes("hist/key");
    List<KeyRevision> all = new ArrayList<>();
    long compactAt = 0;
    long create = 0;
    int version = 0;
    String[] gens = {"v", "w", "x"};
    int[] sizes = {20, 15, 13};
    for (int g = 0; g < 3; g++) {
      for (int i = 0; i < sizes[g]; i++) {
        String value = gens[g] + i;
        long rev = get(kv.put(key, bytes(value))).getHeader().getRevision();
        if (i == 0) {
          create = rev;
          version = 0;
        }
        all.add(new KeyRevision(rev, create, ++version, bytes(value), 0, false));
        long other = get(kv.put(bytes("hist/other"), bytes(value))).getHeader().getRevision();
        if (g == 1 && i == 7) {
          compactAt = other;
        }
      }
      if (g < 2) {
        all.add(KeyRevision.deletion(get(kv.delete(key)).getHeader().getRevision()));
      }
    }
    assertThat(all).hasSize(50);
    get(kv.compact(compactAt));
    KeyRevision survivor = null;
    List<KeyRevision> expected = new ArrayList<>();
    for (KeyRevision r : all) {
      if (r.modRevision() > compactAt) {
        expected.add(r);
      } else {
        survivor = r; // the last write at or below the compaction: still readable there
      }
    }
    expected.add(0, survivor);
    Collections.reverse(expected);

    KeyHistory history = new KeyHistory(client);
    HistoryResult h = get(history.load(key, 1000));
    assertThat(h.compactRevision()).isEqualTo(compactAt);
    assertThat(h.currentRevision()).isEqualTo(all.get(all.size() - 1).modRevision() + 1);
    assertThat(h.truncated()).isFalse();
    assertThat(h.revisions()).isEqualTo(expected);
    assertThat(h.revisions()).filteredOn(KeyRevision::deleted).hasSize(1);
    assertThat(expected).hasSize(50 - 29 + 1); // 20 + deletion + 8 compacted away, plus w7

    HistoryResult five = get(history.load(key, 5));
    assertThat(five.truncated()).isTrue();
    assertThat(five.revisions()).isEqualTo(expected.subList(0, 5));
    HistoryResult intoTheReplay = get(history.load(key, 16));
    assertThat(intoTheReplay.truncated()).isTrue();
    assertThat(intoTheReplay.revisions()).isEqualTo(expected.subList(0, 16));
  }

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void aDeletedKeysHistoryIsReplayedWithItsDeletions(ServerKind kind) {
    Client client = members.client(kind);
    KV kv = client.getKVClient();
    ByteSequence key = bytes("hist/gone");
    long a = get(kv.put(key, bytes("a"))).getHeader().getRevision();
    long b = get(kv.put(key, bytes("b"))).getHeader().getRevision();
    long d1 = get(kv.delete(key)).getHeader().getRevision();
    long c = get(kv.put(key, bytes("c"))).getHeader().getRevision();
    long d2 = get(kv.delete(key)).getHeader().getRevision();
    get(kv.put(bytes("hist/after"), bytes("later")));

    HistoryResult h = get(new KeyHistory(client).load(key, 100));
    assertThat(h.revisions()).containsExactly(
        KeyRevision.deletion(d2),
        new KeyRevision(c, c, 1, bytes("c"), 0, false),
        KeyRevision.deletion(d1),
        new KeyRevision(b, a, 2, bytes("b"), 0, false),
        new KeyRevision(a, a, 1, bytes("a"), 0, false));
    assertThat(get(new KeyHistory(client).load(bytes("hist/never"), 100)).revisions()).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void restoreAppliesWhenUnchangedAndIsRefusedWhenTheKeyMoved(ServerKind kind) {
    Client client = members.client(kind);
    KV kv = client.getKVClient();
    ByteSequence key = bytes("hist/restore");
    get(kv.put(key, bytes("one")));
    long two = get(kv.put(key, bytes("two"))).getHeader().getRevision();
    KeyHistory history = new KeyHistory(client);

    assertThat(get(history.restore(key, bytes("one"), two))).isTrue();
    assertThat(get(kv.get(key)).getKvs().get(0).getValue()).isEqualTo(bytes("one"));
    assertThat(get(history.restore(key, bytes("two"), two))).isFalse();
    assertThat(get(kv.get(key)).getKvs().get(0).getValue()).isEqualTo(bytes("one"));
    get(kv.delete(key));
    assertThat(get(history.restore(key, bytes("back"), 0))).isTrue();
    assertThat(get(kv.get(key)).getKvs().get(0).getValue()).isEqualTo(bytes("back"));
  }

  /** Not an assertion on time: prints how long 1,000 revisions take to load. */
  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void loadingAThousandRevisionsIsMeasured(ServerKind kind) {
    Client client = members.client(kind);
    ByteSequence key = bytes("hist/thousand");
    putVersions(client, key, 1000);
    KeyHistory history = new KeyHistory(client);
    get(history.load(key, 10)); // warm-up
    long t0 = System.nanoTime();
    HistoryResult h = history.load(key, 1000).join();
    long walkMs = (System.nanoTime() - t0) / 1_000_000;
    assertThat(h.revisions()).hasSize(1000);
    assertThat(h.revisions().get(0).version()).isEqualTo(1000);
    assertThat(h.revisions().get(999).version()).isEqualTo(1);
    System.out.printf("[measure] %s: history of a key with 1,000 revisions (range walk) %d ms%n",
        kind, walkMs);
  }

  /**
   * A key deleted now, with 600 revisions interleaved with other writes, is replayed completely.
   * Skipped on Cairn: its watch catch-up from a past revision drops the last events of a single-key
   * watcher while reporting progress past them (reported; a cluster-server fix).
   */
  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void aDeletedKeyWithALongHistoryIsReplayedCompletely(ServerKind kind) {
    Client client = members.client(kind);
    ByteSequence key = bytes("hist/long-gone");
    for (int i = 0; i < 600; i += 50) {
      putVersions(client, bytes("hist/noise"), 100);
      putVersions(client, key, 50);
    }
    long deleted = get(client.getKVClient().delete(key)).getHeader().getRevision();
    get(client.getKVClient().put(bytes("hist/noise"), bytes("after")));
    long t0 = System.nanoTime();
    HistoryResult h = new KeyHistory(client).load(key, 2000).join();
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertThat(h.revisions()).hasSize(601);
    assertThat(h.revisions().get(0)).isEqualTo(KeyRevision.deletion(deleted));
    assertThat(h.revisions().get(1).version()).isEqualTo(600);
    assertThat(h.revisions().get(600).version()).isEqualTo(1);
    System.out.printf("[measure] %s: history of a deleted key with 600 revisions (watch replay,"
        + " %d ms quiet period included) %d ms%n", kind, KeyHistory.DEFAULT_QUIET.toMillis(), ms);
  }

  /** {@code n} versions of {@code key}, 50 writes in flight at a time. */
  private static void putVersions(Client client, ByteSequence key, int n) {
    for (int i = 0; i < n; i += 50) {
      List<CompletableFuture<?>> puts = new ArrayList<>();
      for (int j = i; j < Math.min(n, i + 50); j++) {
        puts.add(client.getKVClient().put(key, bytes("value " + j)));
      }
      puts.forEach(f -> get(f));
    }
  }
}
