package io.cairn.console.web.backend;

import io.cairn.console.core.cluster.ClusterInspector;
import io.cairn.console.core.history.KeyHistory;
import io.cairn.console.core.keys.KeyspaceBrowser;
import io.cairn.console.core.metrics.MetricsScraper;
import io.cairn.console.core.session.ClusterSession;
import io.cairn.console.core.session.ConnectionProfile;
import io.cairn.console.core.timeline.LeaderChange;
import io.cairn.console.core.timeline.LeaderTimeline;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open cluster: the session, its metrics scraper and the leader-change history read from Cairn
 * members. Shared by every browser tab looking at the same cluster, so charts have history from the
 * moment the console connected, not from when a page opened.
 */
public final class Connection implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Connection.class);
  private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(10);

  private final ClusterSession session;
  private final MetricsScraper scraper;
  private final ClusterInspector inspector;
  private final KeyHistory history;
  private final ScheduledFuture<?> eventPoll;
  private volatile List<LeaderChange> cairnEvents = List.of();

  Connection(ClusterSession session, Duration scrapeInterval, Duration retention,
      ScheduledExecutorService scheduler) {
    this.session = session;
    this.scraper = new MetricsScraper(
        member -> Http.get(session, member, "/metrics", HTTP_TIMEOUT),
        session::endpoints, scrapeInterval, retention, Clock.systemUTC());
    this.scraper.start(scheduler);
    this.inspector = new ClusterInspector(session);
    this.history = new KeyHistory(session.client());
    long period = scrapeInterval.toMillis();
    this.eventPoll = scheduler.scheduleWithFixedDelay(this::pollEvents, 0, period, TimeUnit.MILLISECONDS);
  }

  public ConnectionProfile profile() {
    return session.profile();
  }

  public ClusterSession session() {
    return session;
  }

  public MetricsScraper scraper() {
    return scraper;
  }

  public ClusterInspector inspector() {
    return inspector;
  }

  public KeyHistory history() {
    return history;
  }

  public KeyspaceBrowser keys(String separator) {
    return new KeyspaceBrowser(session.client(), separator);
  }

  /** Leader changes: Cairn's event history when the members are Cairn, else from the metric. */
  public List<LeaderChange> leaderChanges() {
    List<LeaderChange> events = cairnEvents;
    if (!events.isEmpty()) {
      return events;
    }
    return LeaderTimeline.merge(LeaderTimeline.fromMetric(scraper.history()));
  }

  /** Reads {@code /cairn/v1/events} of every Cairn member; runs on the scheduler. */
  private void pollEvents() {
    try {
      if (!session.isCairn().get(HTTP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        return;
      }
      List<LeaderChange> all = new ArrayList<>();
      for (String endpoint : session.endpoints()) {
        try {
          all.addAll(LeaderTimeline.parseCairnEvents(
              Http.get(session, endpoint, "/cairn/v1/events", HTTP_TIMEOUT)));
        } catch (Exception e) {
          log.debug("no event history from {}: {}", endpoint, e.toString());
        }
      }
      cairnEvents = LeaderTimeline.merge(all);
    } catch (Exception e) {
      log.debug("event history not read: {}", e.toString());
    }
  }

  @Override
  public void close() {
    eventPoll.cancel(false);
    scraper.close();
    session.close();
  }
}
