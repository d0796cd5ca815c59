package io.cairn.console.core.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cairn.server.testing.Clients;
import io.cairn.server.testing.MemberProcess;
import io.cairn.server.testing.QuietLogging;
import io.cairn.server.testing.ServerKind;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.PutOption;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class WatchSubscriptionTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @BeforeAll
  static void quiet() {
    QuietLogging.install();
  }

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void deliversChangesFromNowWithOneBatchPerTransaction(ServerKind kind, TestInfo info) throws Exception {
    try (MemberProcess m = MemberProcess.builder(kind).test(info).startReady();
        Client client = Clients.jetcd(m)) {
      long before = put(client, "k", "old");
      Recorder r = new Recorder();
      try (WatchSubscription s = WatchSubscription.start(client, bytes("k"), false, 0, false, r)) {
        await().atMost(WAIT).until(() -> r.hasNotice(WatchNotice.Kind.STARTED));
        assertThat(r.notices().get(0).revision()).isEqualTo(before + 1);
        long p1 = put(client, "k", "v1");
        long d1 = client.getKVClient().delete(bytes("k")).get(10, TimeUnit.SECONDS).getHeader().getRevision();
        await().atMost(WAIT).until(() -> r.events().size() == 2);
        assertThat(r.events()).extracting(WatchedEvent::revision, WatchedEvent::type, e -> str(e.value()))
            .containsExactly(org.assertj.core.groups.Tuple.tuple(p1, WatchedEvent.Type.PUT, "v1"),
                org.assertj.core.groups.Tuple.tuple(d1, WatchedEvent.Type.DELETE, ""));
        assertThat(s.lastRevision()).isEqualTo(d1);
      }
      Recorder all = new Recorder();
      try (WatchSubscription s = WatchSubscription.start(client, bytes("t/"), true, 0, false, all)) {
        await().atMost(WAIT).until(() -> all.hasNotice(WatchNotice.Kind.STARTED));
        client.getKVClient().txn().Then(
            Op.put(bytes("t/a"), bytes("1"), PutOption.DEFAULT),
            Op.put(bytes("t/b"), bytes("2"), PutOption.DEFAULT),
            Op.put(bytes("t/c"), bytes("3"), PutOption.DEFAULT)).commit().get(10, TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> all.events().size() == 3);
        assertThat(all.batches()).hasSize(1);
        assertThat(all.events()).extracting(e -> str(e.key())).containsExactly("t/a", "t/b", "t/c");
      }
    }
  }

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void fromAPastRevisionReplaysThenGoesLiveWithoutGapOrDuplicate(ServerKind kind, TestInfo info)
      throws Exception {
    try (MemberProcess m = MemberProcess.builder(kind).test(info).startReady();
        Client client = Clients.jetcd(m)) {
      List<Long> written = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        written.add(put(client, "h/" + i, "v" + i));
      }
      Recorder r = new Recorder();
      try (WatchSubscription s = WatchSubscription.start(client, bytes("h/"), true, written.get(3), false, r)) {
        await().atMost(WAIT).until(() -> r.events().size() == 7);
        for (int i = 10; i < 15; i++) {
          written.add(put(client, "h/" + i, "v" + i));
        }
        await().atMost(WAIT).until(() -> r.events().size() >= 12);
        assertThat(r.revisions()).isEqualTo(written.subList(3, 15));
        assertThat(r.notices()).extracting(WatchNotice::kind).containsExactly(WatchNotice.Kind.STARTED);
        assertThat(r.notices().get(0).revision()).isEqualTo(written.get(3));
      }
    }
  }

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void prefixWatchSeesOnlyKeysUnderThePrefixAndPrevKvCarriesOldValues(ServerKind kind, TestInfo info)
      throws Exception {
    try (MemberProcess m = MemberProcess.builder(kind).test(info).startReady();
        Client client = Clients.jetcd(m)) {
      put(client, "p/a", "a0");
      Recorder r = new Recorder();
      try (WatchSubscription s = WatchSubscription.start(client, bytes("p/"), true, 0, true, r)) {
        await().atMost(WAIT).until(() -> r.hasNotice(WatchNotice.Kind.STARTED));
        put(client, "p/a", "a1");
        put(client, "q/x", "outside");
        put(client, "p", "not under p/");
        put(client, "p/b", "b1");
        client.getKVClient().delete(bytes("p/"), DeleteOption.builder().isPrefix(true).build())
            .get(10, TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> r.events().size() == 4);
        assertThat(r.events()).extracting(e -> str(e.key()), WatchedEvent::type,
                e -> e.prevValue() == null ? null : str(e.prevValue()))
            .containsExactly(
                org.assertj.core.groups.Tuple.tuple("p/a", WatchedEvent.Type.PUT, "a0"),
                org.assertj.core.groups.Tuple.tuple("p/b", WatchedEvent.Type.PUT, null),
                org.assertj.core.groups.Tuple.tuple("p/a", WatchedEvent.Type.DELETE, "a1"),
                org.assertj.core.groups.Tuple.tuple("p/b", WatchedEvent.Type.DELETE, "b1"));
        WatchedEvent second = r.events().get(1);
        assertThat(second.version()).isEqualTo(1);
        assertThat(second.createRevision()).isEqualTo(second.modRevision());
      }
      Recorder noPrev = new Recorder();
      try (WatchSubscription s = WatchSubscription.start(client, bytes("p/a"), false, 0, false, noPrev)) {
        await().atMost(WAIT).until(() -> noPrev.hasNotice(WatchNotice.Kind.STARTED));
        put(client, "p/a", "x");
        put(client, "p/a", "y");
        await().atMost(WAIT).until(() -> noPrev.events().size() == 2);
        assertThat(noPrev.events()).allMatch(e -> e.prevValue() == null);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void startingBelowTheCompactRevisionNoticesCompactionAndContinuesFromIt(ServerKind kind, TestInfo info)
      throws Exception {
    try (MemberProcess m = MemberProcess.builder(kind).test(info).startReady();
        Client client = Clients.jetcd(m)) {
      List<Long> written = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        written.add(put(client, "c/" + i, "v" + i));
      }
      long compactRevision = written.get(5);
      client.getKVClient().compact(compactRevision).get(10, TimeUnit.SECONDS);
      Recorder r = new Recorder();
      try (WatchSubscription s = WatchSubscription.start(client, bytes("c/"), true, written.get(1), false, r)) {
        await().atMost(WAIT).until(() -> r.hasNotice(WatchNotice.Kind.COMPACTED));
        WatchNotice compacted = r.notices().stream().filter(n -> n.kind() == WatchNotice.Kind.COMPACTED)
            .findFirst().orElseThrow();
        assertThat(compacted.revision()).isEqualTo(compactRevision);
        await().atMost(WAIT).until(() -> r.events().size() == 3);
        long live = put(client, "c/live", "x");
        await().atMost(WAIT).until(() -> r.events().size() == 4);
        assertThat(r.revisions()).containsExactly(written.get(5), written.get(6), written.get(7), live);
      }
    }
  }

  static long put(Client client, String key, String value) throws Exception {
    return client.getKVClient().put(bytes(key), bytes(value)).get(10, TimeUnit.SECONDS).getHeader().getRevision();
  }

  static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  static String str(ByteSequence b) {
    return b.toString(StandardCharsets.UTF_8);
  }
}
