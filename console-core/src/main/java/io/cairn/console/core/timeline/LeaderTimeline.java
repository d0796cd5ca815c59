package io.cairn.console.core.timeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cairn.console.core.metrics.MetricsHistory;
import io.cairn.console.core.metrics.Scrape;
import io.cairn.console.core.timeline.LeaderChange.Source;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * The cluster's leadership over time, from Cairn's event endpoint or, for etcd, from the leader
 * change counter every member exports.
 */
public final class LeaderTimeline {
  /** Cairn's leader-change history on the client port. */
  public static final String EVENTS_PATH = "/cairn/v1/events";
  /** The header by which {@code GET /version} tells a Cairn member from etcd. */
  public static final String CAIRN_VERSION_HEADER = "X-Cairn-Version";
  public static final String LEADER_CHANGES_METRIC = "etcd_server_leader_changes_seen_total";
  public static final String METRIC_REASON = "leader changes seen";

  /** More events than a member keeps (a thousand); anything beyond is not read. */
  private static final int MAX_EVENTS = 10_000;
  private static final ObjectMapper JSON = new ObjectMapper();

  private LeaderTimeline() {}

  /**
   * The Cairn version from the headers of a {@code GET /version} answer; empty for etcd. Header
   * names are compared ignoring case.
   */
  public static Optional<String> cairnVersion(Map<String, List<String>> headers) {
    for (Map.Entry<String, List<String>> e : headers.entrySet()) {
      if (CAIRN_VERSION_HEADER.equalsIgnoreCase(e.getKey()) && !e.getValue().isEmpty()) {
        return Optional.of(e.getValue().get(0));
      }
    }
    return Optional.empty();
  }

  /**
   * The changes in a {@code /cairn/v1/events} answer, oldest first. Events with a missing or bad
   * time are skipped; a body that is not such a JSON object throws IllegalArgumentException.
   */
  public static List<LeaderChange> parseCairnEvents(String json) {
    JsonNode root;
    try {
      root = JSON.readTree(json == null ? "" : json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject() || !root.path("events").isArray()) {
      throw new IllegalArgumentException("not a Cairn events document (no \"events\" array)");
    }
    String member = root.path("member").asText("");
    List<LeaderChange> out = new ArrayList<>();
    for (JsonNode e : root.path("events")) {
      if (out.size() >= MAX_EVENTS) {
        break;
      }
      Instant time;
      try {
        time = Instant.parse(e.path("time").asText(""));
      } catch (DateTimeParseException bad) {
        continue;
      }
      out.add(new LeaderChange(time, member, e.path("term").asLong(0),
          e.path("previousLeader").asText(""), e.path("leader").asText(""),
          e.path("reason").asText(""), Source.CAIRN_EVENTS));
    }
    return out;
  }

  /**
   * Changes inferred from {@value #LEADER_CHANGES_METRIC}: every increase between two scrapes of a
   * member is one change at the later scrape's time (term and leaders unknown). A counter that
   * went down means the member restarted; its new value counts as changes seen since.
   */
  public static List<LeaderChange> fromMetric(MetricsHistory h) {
    List<LeaderChange> out = new ArrayList<>();
    for (String member : h.members()) {
      Double previous = null;
      for (Scrape s : h.scrapes(member)) {
        OptionalDouble v = s.value(LEADER_CHANGES_METRIC);
        if (v.isEmpty()) {
          continue;
        }
        double now = v.getAsDouble();
        if (previous != null && now != previous && (now > previous || now > 0)) {
          out.add(new LeaderChange(s.time(), member, 0, "", "", METRIC_REASON, Source.METRIC));
        }
        previous = now;
      }
    }
    out.sort(Comparator.comparing(LeaderChange::time));
    return out;
  }

  /**
   * One entry per change however many members reported it, ordered by time. Cairn events are the
   * same change when term and leader agree; metric changes when they were seen in the same scrape
   * round (same time). The merged entry has the earliest time, lists every member that saw it in
   * {@link LeaderChange#member()}, and takes the previous leader (and its reason) from a member
   * that knew it.
   */
  public static List<LeaderChange> merge(Collection<LeaderChange> changes) {
    List<LeaderChange> sorted = new ArrayList<>(changes);
    sorted.sort(Comparator.comparing(LeaderChange::time).thenComparingLong(LeaderChange::term));
    Map<List<Object>, List<LeaderChange>> groups = new LinkedHashMap<>();
    for (LeaderChange c : sorted) {
      List<Object> key = c.source() == Source.CAIRN_EVENTS
          ? List.of(c.source(), c.term(), c.leader())
          : List.of(c.source(), c.time());
      groups.computeIfAbsent(key, k -> new ArrayList<>()).add(c);
    }
    List<LeaderChange> out = new ArrayList<>(groups.size());
    for (List<LeaderChange> group : groups.values()) {
      LeaderChange first = group.get(0);
      LeaderChange informed = group.stream().filter(c -> !c.previousLeader().isEmpty())
          .findFirst().orElse(first);
      Set<String> seenBy = new LinkedHashSet<>();
      group.forEach(c -> seenBy.addAll(c.seenBy()));
      out.add(new LeaderChange(first.time(), String.join(",", seenBy), first.term(),
          informed.previousLeader(), first.leader(), informed.reason(), first.source()));
    }
    out.sort(Comparator.comparing(LeaderChange::time).thenComparingLong(LeaderChange::term));
    return out;
  }
}
