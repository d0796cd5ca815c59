package io.cairn.console.core.timeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.console.core.metrics.MetricsHistory;
import io.cairn.console.core.metrics.Sample;
import io.cairn.console.core.metrics.Scrape;
import io.cairn.console.core.timeline.LeaderChange.Source;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LeaderTimelineTest {
  private static final Instant T0 = Instant.parse("2026-11-24T06:38:07.486069408Z");

  @Test
  void parsesCairnEventsOldestFirstWithEmptyLeaderForNone() {
    List<LeaderChange> changes = LeaderTimeline.parseCairnEvents("""
        {"member":"65a747955ded993c","total":3,"events":[
         {"time":"2026-11-24T06:38:07.486069408Z","term":2,"previousLeader":"","leader":"65a747955ded993c","reason":"elected"},
         {"time":"2026-11-24T06:39:00Z","term":2,"previousLeader":"65a747955ded993c","leader":"","reason":"lost leader"},
         {"time":"bad","term":3,"previousLeader":"","leader":"1","reason":"elected"},
         {"time":"2026-11-24T06:39:01Z","term":3,"previousLeader":"","leader":"8e9e05c52164694d","reason":"elected"}]}
        """);

    assertThat(changes).containsExactly(
        new LeaderChange(T0, "65a747955ded993c", 2, "", "65a747955ded993c", "elected", Source.CAIRN_EVENTS),
        new LeaderChange(Instant.parse("2026-11-24T06:39:00Z"), "65a747955ded993c", 2,
            "65a747955ded993c", "", "lost leader", Source.CAIRN_EVENTS),
        new LeaderChange(Instant.parse("2026-11-24T06:39:01Z"), "65a747955ded993c", 3, "",
            "8e9e05c52164694d", "elected", Source.CAIRN_EVENTS));
    assertThat(changes.get(1).lostLeader()).isTrue();
  }

  @Test
  void rejectsWhatIsNotAnEventsDocument() {
    assertThatThrownBy(() -> LeaderTimeline.parseCairnEvents("404 page not found"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LeaderTimeline.parseCairnEvents("{\"etcdserver\":\"3.4.23\"}"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(LeaderTimeline.parseCairnEvents("{\"member\":\"1\",\"total\":0,\"events\":[]}")).isEmpty();
  }

  @Test
  void recognisesCairnByItsVersionHeaderIgnoringCase() {
    assertThat(LeaderTimeline.cairnVersion(Map.of("x-cairn-version", List.of("0.1.0")))).contains("0.1.0");
    assertThat(LeaderTimeline.cairnVersion(Map.of("content-type", List.of("application/json")))).isEmpty();
  }

  private static Scrape scrape(String member, int second, double changesSeen) {
    return new Scrape(T0.plusSeconds(second), member,
        List.of(new Sample(LeaderTimeline.LEADER_CHANGES_METRIC, changesSeen)));
  }

  @Test
  void everyIncreaseOfTheCounterIsAChangeAtTheLaterScrape() {
    MetricsHistory h = new MetricsHistory(100);
    h.add(scrape("a", 0, 1));
    h.add(scrape("a", 5, 1));
    h.add(scrape("a", 10, 3));
    h.add(scrape("a", 15, 1)); // restarted and saw one election since
    h.add(scrape("a", 20, 1));
    h.add(scrape("b", 10, 2));
    h.add(scrape("b", 15, 2));
    h.add(new Scrape(T0.plusSeconds(20), "b", List.of())); // did not export it this time

    List<LeaderChange> changes = LeaderTimeline.fromMetric(h);

    assertThat(changes).containsExactly(
        new LeaderChange(T0.plusSeconds(10), "a", 0, "", "", "leader changes seen", Source.METRIC),
        new LeaderChange(T0.plusSeconds(15), "a", 0, "", "", "leader changes seen", Source.METRIC));
  }

  @Test
  void mergeKeepsOneEntryPerTermAndLeaderAndSaysWhoSawIt() {
    List<LeaderChange> all = new ArrayList<>();
    all.add(new LeaderChange(T0.plusMillis(30), "b", 2, "", "a", "elected", Source.CAIRN_EVENTS));
    all.add(new LeaderChange(T0, "a", 2, "", "a", "elected", Source.CAIRN_EVENTS));
    all.add(new LeaderChange(T0.plusSeconds(60), "b", 2, "a", "", "lost leader", Source.CAIRN_EVENTS));
    all.add(new LeaderChange(T0.plusSeconds(61), "c", 3, "a", "c", "changed", Source.CAIRN_EVENTS));
    all.add(new LeaderChange(T0.plusSeconds(62), "b", 3, "", "c", "elected", Source.CAIRN_EVENTS));
    all.add(new LeaderChange(T0.plusSeconds(65), "x", 0, "", "", "leader changes seen", Source.METRIC));
    all.add(new LeaderChange(T0.plusSeconds(65), "y", 0, "", "", "leader changes seen", Source.METRIC));

    List<LeaderChange> merged = LeaderTimeline.merge(all);

    assertThat(merged).containsExactly(
        new LeaderChange(T0, "a,b", 2, "", "a", "elected", Source.CAIRN_EVENTS),
        new LeaderChange(T0.plusSeconds(60), "b", 2, "a", "", "lost leader", Source.CAIRN_EVENTS),
        new LeaderChange(T0.plusSeconds(61), "c,b", 3, "a", "c", "changed", Source.CAIRN_EVENTS),
        new LeaderChange(T0.plusSeconds(65), "x,y", 0, "", "", "leader changes seen", Source.METRIC));
    assertThat(merged.get(2).seenBy()).containsExactly("c", "b");
  }
}
