package io.cairn.console.core.watch;

import static io.cairn.console.core.watch.WatchSubscriptionTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cairn.server.testing.Clients;
import io.cairn.server.testing.ClusterProcesses;
import io.cairn.server.testing.MemberProcess;
import io.cairn.server.testing.QuietLogging;
import io.cairn.server.testing.ServerKind;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

class WatchResumeTest {
  @BeforeAll
  static void quiet() {
    QuietLogging.install();
  }

  @Test
  void killingTheWatchedMemberResumesElsewhereWithEveryRevisionOnceAndInOrder(TestInfo info) throws Exception {
    try (ClusterProcesses c = ClusterProcesses.start(info, ServerKind.CAIRN, 3);
        Client watching = Client.builder()
            .endpoints(c.members().stream().map(MemberProcess::clientUrl).toArray(String[]::new))
            .connectTimeout(Duration.ofSeconds(2)).build()) {
      Recorder r = new Recorder();
      try (WatchSubscription s = WatchSubscription.start(watching, bytes("w/"), true, 0, false, r)) {
        await().atMost(Duration.ofSeconds(30)).until(() -> r.hasNotice(WatchNotice.Kind.STARTED));
        // jetcd chooses the member itself: find the one serving the watch from its metrics.
        MemberProcess watched = await().atMost(Duration.ofSeconds(30))
            .until(() -> c.members().stream().filter(WatchResumeTest::hasWatcher).findFirst(),
                java.util.Optional::isPresent).orElseThrow();
        MemberProcess other = c.members().stream().filter(m -> m != watched).findFirst().orElseThrow();
        try (Client writing = Clients.jetcd(other)) {
          AtomicInteger written = new AtomicInteger();
          AtomicBoolean stop = new AtomicBoolean();
          Thread writer = new Thread(() -> {
            for (int i = 0; !stop.get(); i++) {
              try {
                writing.getKVClient().put(bytes(String.format("w/%05d", i)), bytes("v")).get(5, TimeUnit.SECONDS);
                written.incrementAndGet();
              } catch (Exception e) {
                // leader election after the kill: the next key is tried; a put that timed out may
                // still have been applied, which is why the expected revisions are read back below
              }
            }
          }, "writer");
          writer.start();
          try {
            await().atMost(Duration.ofSeconds(30)).until(() -> written.get() >= 30);
            watched.kill9();
            int afterKill = written.get();
            await().atMost(Duration.ofSeconds(60)).until(() -> written.get() >= afterKill + 60);
          } finally {
            stop.set(true);
            writer.join(30_000);
          }
          List<KeyValue> stored = writing.getKVClient()
              .get(bytes("w/"), GetOption.builder().isPrefix(true).build()).get(10, TimeUnit.SECONDS).getKvs();
          List<Long> expected = stored.stream().map(KeyValue::getModRevision).sorted().toList();
          await().atMost(Duration.ofSeconds(60)).until(() -> r.revisions().size() >= expected.size());
          assertThat(r.revisions()).isEqualTo(expected);
          assertThat(r.hasNotice(WatchNotice.Kind.RESUMED)).as("notices %s", r.notices()).isTrue();
          assertThat(s.lastRevision()).isEqualTo(expected.get(expected.size() - 1));
        }
      }
    }
  }

  private static boolean hasWatcher(MemberProcess m) {
    try {
      String metrics = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(m.clientUrl() + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      return metrics.lines().anyMatch(l -> l.startsWith("etcd_debugging_mvcc_watcher_total ")
          && Double.parseDouble(l.substring(l.indexOf(' ') + 1).trim()) >= 1);
    } catch (Exception e) {
      return false;
    }
  }

  @Test
  void aWatchOnASingleMemberResumesAfterTheMemberRestarts(TestInfo info) throws Exception {
    try (MemberProcess m = MemberProcess.builder(ServerKind.CAIRN).test(info).startReady();
        Client client = Clients.jetcd(m)) {
      Recorder r = new Recorder();
      try (WatchSubscription s = WatchSubscription.start(client, bytes("k"), false, 0, false, r)) {
        await().atMost(Duration.ofSeconds(20)).until(() -> r.hasNotice(WatchNotice.Kind.STARTED));
        long first = WatchSubscriptionTest.put(client, "k", "1");
        await().atMost(Duration.ofSeconds(20)).until(() -> r.events().size() == 1);
        m.kill9();
        await().atMost(Duration.ofSeconds(20)).until(() -> r.hasNotice(WatchNotice.Kind.ERROR));
        m.restart().awaitReady();
        await().atMost(Duration.ofSeconds(60)).until(() -> r.hasNotice(WatchNotice.Kind.RESUMED));
        WatchNotice resumed = r.notices().stream().filter(n -> n.kind() == WatchNotice.Kind.RESUMED)
            .findFirst().orElseThrow();
        assertThat(resumed.revision()).isEqualTo(first + 1);
        long second = await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
            .until(() -> WatchSubscriptionTest.put(client, "k", "2"), rev -> rev > 0);
        await().atMost(Duration.ofSeconds(20)).until(() -> r.events().size() == 2);
        assertThat(r.revisions()).containsExactly(first, second);
      }
    }
  }
}
