package io.cairn.console.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cairn.server.testing.Etcdctl;
import io.cairn.server.testing.MemberProcess;
import io.cairn.server.testing.ServerKind;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

class MetricsScraperTest {
  private MemberProcess member;
  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();

  @BeforeEach
  void start(TestInfo testInfo) {
    member = MemberProcess.builder(ServerKind.CAIRN).test(testInfo).startReady();
  }

  @AfterEach
  void stop() {
    executor.shutdownNow();
    member.close();
  }

  /** A client URL nothing listens on (the port was free a moment ago). */
  private static String deadMember() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return "http://127.0.0.1:" + s.getLocalPort();
    }
  }

  @Test
  void scheduledRoundsRecordEveryMemberAndAFailingMemberDoesNotStopTheLoop() throws Exception {
    String dead = deadMember();
    String live = member.clientUrl();
    try (MetricsScraper scraper = new MetricsScraper(new HttpTextSource(), () -> List.of(dead, live),
        Duration.ofMillis(200), Duration.ofMinutes(5), Clock.systemUTC())) {
      AtomicInteger rounds = new AtomicInteger();
      scraper.onScrape(rounds::incrementAndGet);
      scraper.start(executor);

      await().atMost(Duration.ofSeconds(30)).until(() -> scraper.history().scrapes(live).size() >= 3);

      MetricsHistory h = scraper.history();
      assertThat(rounds.get()).isGreaterThanOrEqualTo(3);
      assertThat(h.members()).containsExactly(dead, live);
      assertThat(h.scrapes(dead)).isEmpty();
      assertThat(h.lastError(dead)).isPresent();
      assertThat(h.lastErrorTime(dead)).isPresent();
      assertThat(h.lastError(live)).isEmpty();
      List<Scrape> scrapes = h.scrapes(live);
      assertThat(scrapes).extracting(Scrape::time).isSorted();
      assertThat(h.latest(live)).contains(scrapes.get(scrapes.size() - 1));
      assertThat(scrapes.get(0).value("etcd_server_has_leader")).hasValue(1);
      assertThat(scrapes.get(0).has("grpc_server_handled_total"))
          .as("per-method gRPC counters are not kept by default").isFalse();
    }
  }

  @Test
  void closeStopsTheScheduleAndUnsubscribedListenersAreNotCalled() throws Exception {
    try (MetricsScraper scraper = new MetricsScraper(new HttpTextSource(),
        () -> List.of(member.clientUrl()), Duration.ofMillis(100), Duration.ofMinutes(5),
        Clock.systemUTC())) {
      AtomicInteger calls = new AtomicInteger();
      AutoCloseable subscription = scraper.onScrape(calls::incrementAndGet);
      scraper.start(executor);
      await().atMost(Duration.ofSeconds(30)).until(() -> calls.get() >= 2);
      subscription.close();
      int afterUnsubscribe = calls.get();
      scraper.close();
      // The executor has one thread: once this no-op ran, no round is running any more.
      executor.submit(() -> { }).get();
      int scrapesAfterClose = scraper.history().scrapes(member.clientUrl()).size();
      await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(5))
          .until(() -> scraper.history().scrapes(member.clientUrl()).size() == scrapesAfterClose);
      assertThat(calls.get()).isEqualTo(afterUnsubscribe);
    }
  }

  @Test
  void retentionDropsOldScrapesAndAMemberThatRecoversLosesItsError() {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    AtomicInteger fetches = new AtomicInteger();
    HttpTextSource http = new HttpTextSource();
    TextSource flaky = m -> {
      if (fetches.incrementAndGet() == 2) {
        throw new IOException("connection refused");
      }
      return http.fetch(m);
    };
    String live = member.clientUrl();
    MetricsScraper scraper = new MetricsScraper(flaky, () -> List.of(live), Duration.ofSeconds(10),
        Duration.ofSeconds(30), clock);

    scraper.scrapeNow();
    clock.advance(Duration.ofSeconds(10));
    scraper.scrapeNow(); // fails
    assertThat(scraper.history().lastError(live)).contains("connection refused");
    assertThat(scraper.history().scrapes(live)).hasSize(1);
    for (int i = 0; i < 5; i++) {
      clock.advance(Duration.ofSeconds(10));
      scraper.scrapeNow();
    }

    MetricsHistory h = scraper.history();
    assertThat(h.lastError(live)).isEmpty();
    Instant now = clock.instant();
    assertThat(h.scrapes(live)).extracting(Scrape::time).containsExactly(
        now.minusSeconds(30), now.minusSeconds(20), now.minusSeconds(10), now);
  }

  @Test
  void historySharesLabelMapsBetweenScrapesOfAMember() {
    Etcdctl.of(member).ok("put", "k", "v");
    MetricsScraper scraper = new MetricsScraper(new HttpTextSource(),
        () -> List.of(member.clientUrl()), Duration.ofSeconds(1), Duration.ofMinutes(1),
        Clock.systemUTC());
    scraper.scrapeNow();
    scraper.scrapeNow();

    List<Scrape> s = scraper.history().scrapes(member.clientUrl());
    Map<String, String> first = s.get(0).samples().stream()
        .filter(x -> x.name().equals("etcd_server_id")).findFirst().orElseThrow().labels();
    Map<String, String> second = s.get(1).samples().stream()
        .filter(x -> x.name().equals("etcd_server_id")).findFirst().orElseThrow().labels();
    assertThat(second).isSameAs(first);
  }
}
