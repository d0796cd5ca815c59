package io.cairn.console.core.timeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cairn.console.core.metrics.HttpTextSource;
import io.cairn.console.core.metrics.MetricsScraper;
import io.cairn.server.testing.ClusterProcesses;
import io.cairn.server.testing.MemberProcess;
import io.cairn.server.testing.ServerKind;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/** The timeline of a real three-member Cairn cluster whose leader is killed. */
class LeaderTimelineClusterTest {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private List<LeaderChange> events(MemberProcess m) throws Exception {
    HttpResponse<String> r = get(m.clientUrl() + LeaderTimeline.EVENTS_PATH);
    assertThat(r.statusCode()).isEqualTo(200);
    return LeaderTimeline.parseCairnEvents(r.body());
  }

  @Test
  void survivorsReportTheNewLeaderAfterTheLeaderIsKilledAndMergeSaysBothSawIt(TestInfo testInfo)
      throws Exception {
    try (ClusterProcesses c = ClusterProcesses.start(testInfo, ServerKind.CAIRN, 3)) {
      for (MemberProcess m : c.members()) {
        assertThat(LeaderTimeline.cairnVersion(get(m.clientUrl() + "/version").headers().map()))
            .as("Cairn says so on /version").isPresent();
      }
      MemberProcess oldLeader = await().atMost(Duration.ofSeconds(30))
          .until(() -> c.leader().orElse(null), l -> l != null);
      String oldId = ClusterProcesses.memberId(oldLeader);
      List<MemberProcess> survivors = c.members().stream().filter(m -> m != oldLeader).toList();
      List<String> survivorIds = new ArrayList<>();
      for (MemberProcess m : survivors) {
        survivorIds.add(ClusterProcesses.memberId(m));
      }
      MetricsScraper scraper = new MetricsScraper(new HttpTextSource(),
          () -> survivors.stream().map(MemberProcess::clientUrl).toList(), Duration.ofSeconds(1),
          Duration.ofMinutes(10), Clock.systemUTC());
      scraper.scrapeNow();
      long firstTerm = events(survivors.get(0)).stream().filter(e -> e.leader().equals(oldId))
          .mapToLong(LeaderChange::term).max().orElseThrow();

      oldLeader.kill9();

      await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
        for (MemberProcess m : survivors) {
          assertThat(events(m)).anySatisfy(e -> {
            assertThat(e.term()).isGreaterThan(firstTerm);
            assertThat(e.leader()).isIn(survivorIds);
          });
        }
      });
      List<LeaderChange> all = new ArrayList<>();
      for (MemberProcess m : survivors) {
        List<LeaderChange> seen = events(m);
        assertThat(seen).extracting(LeaderChange::time).isSorted();
        assertThat(seen).extracting(LeaderChange::member).containsOnly(ClusterProcesses.memberId(m));
        all.addAll(seen);
      }

      List<LeaderChange> merged = LeaderTimeline.merge(all);

      assertThat(merged).extracting(LeaderChange::time).isSorted();
      assertThat(merged.stream().filter(e -> !e.leader().isEmpty())
          .collect(Collectors.groupingBy(e -> e.term() + "/" + e.leader(), Collectors.counting())))
          .as("one entry per term and leader").allSatisfy((k, n) -> assertThat(n).isEqualTo(1));
      assertThat(merged).anySatisfy(e -> {
        assertThat(e.term()).isEqualTo(firstTerm);
        assertThat(e.leader()).isEqualTo(oldId);
        assertThat(e.seenBy()).containsExactlyInAnyOrderElementsOf(survivorIds);
      });
      LeaderChange newLeader = merged.stream().filter(e -> e.term() > firstTerm && !e.leader().isEmpty())
          .reduce((a, b) -> b).orElseThrow();
      assertThat(newLeader.leader()).isIn(survivorIds);
      assertThat(newLeader.seenBy()).containsExactlyInAnyOrderElementsOf(survivorIds);
      assertThat(newLeader.reason()).isIn("elected", "changed");

      // The same story from the counter every member exports (what the console uses for etcd).
      scraper.scrapeNow();
      List<LeaderChange> fromMetric = LeaderTimeline.fromMetric(scraper.history());
      assertThat(fromMetric).extracting(LeaderChange::member)
          .containsAll(survivors.stream().map(MemberProcess::clientUrl).toList());
      assertThat(LeaderTimeline.merge(fromMetric)).singleElement()
          .satisfies(e -> assertThat(e.reason()).isEqualTo(LeaderTimeline.METRIC_REASON));
    }
  }
}
