package io.cairn.console.core.metrics;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scrapes {@code /metrics} of every member at a fixed interval into a {@link MetricsHistory}.
 *
 * <p>All scrapes of one round carry the same time (the round's start), so the members line up on
 * a chart. A member that fails is recorded as missing for that round and the loop goes on. Members
 * are fetched one after the other: a slow member delays the round, so the {@link TextSource}
 * should time out well within the interval.
 */
public final class MetricsScraper implements AutoCloseable {
  /**
   * What is kept by default: everything but etcd's per-method gRPC counters, which are most of
   * the text (hundreds of series) and which no chart uses. The latency histogram stays.
   */
  public static final Predicate<Sample> DEFAULT_KEEP = s -> !s.name().startsWith("grpc_server_")
      || s.name().startsWith("grpc_server_handling_seconds");

  /** Upper bound on scrapes kept per member whatever the retention and interval say. */
  public static final int MAX_SCRAPES_PER_MEMBER = 20_000;

  private static final Logger LOG = LoggerFactory.getLogger(MetricsScraper.class);

  private final TextSource source;
  private final Supplier<List<String>> members;
  private final Duration interval;
  private final Duration retention;
  private final Clock clock;
  private final Predicate<Sample> keep;
  private final MetricsHistory history;
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private final Object roundLock = new Object();
  private ScheduledFuture<?> task;
  private boolean closed;

  public MetricsScraper(TextSource source, Supplier<List<String>> members, Duration interval,
      Duration retention, Clock clock) {
    this(source, members, interval, retention, clock, DEFAULT_KEEP);
  }

  /** Like the five-argument constructor, keeping only the samples {@code keep} accepts. */
  public MetricsScraper(TextSource source, Supplier<List<String>> members, Duration interval,
      Duration retention, Clock clock, Predicate<Sample> keep) {
    this.source = Objects.requireNonNull(source, "source");
    this.members = Objects.requireNonNull(members, "members");
    this.interval = Objects.requireNonNull(interval, "interval");
    this.retention = Objects.requireNonNull(retention, "retention");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.keep = Objects.requireNonNull(keep, "keep");
    if (interval.isZero() || interval.isNegative() || retention.isNegative()) {
      throw new IllegalArgumentException("interval must be positive and retention not negative");
    }
    long perMember = retention.toMillis() / Math.max(1, interval.toMillis()) + 2;
    this.history = new MetricsHistory((int) Math.min(MAX_SCRAPES_PER_MEMBER, perMember));
  }

  /** Scrapes every member now and then every interval on {@code executor} until {@link #close}. */
  public synchronized void start(ScheduledExecutorService executor) {
    if (closed) {
      throw new IllegalStateException("scraper is closed");
    }
    if (task != null) {
      throw new IllegalStateException("scraper already started");
    }
    task = executor.scheduleWithFixedDelay(this::roundSafely, 0, interval.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /**
   * One round over every member, blocking until it is done (for tests and a refresh button; call
   * it off the UI thread). Rounds never overlap.
   */
  public void scrapeNow() {
    synchronized (roundLock) {
      Instant time = clock.instant();
      for (String member : List.copyOf(members.get())) {
        scrapeOne(member, time);
      }
      history.dropBefore(time.minus(retention));
    }
    for (Runnable listener : listeners) {
      try {
        listener.run();
      } catch (RuntimeException e) {
        LOG.warn("metrics listener failed", e);
      }
    }
  }

  private void scrapeOne(String member, Instant time) {
    try {
      String text = source.fetch(member);
      if (text == null) {
        throw new java.io.IOException("no /metrics text");
      }
      List<Sample> samples = PrometheusText.parse(text).stream().filter(keep).toList();
      history.add(new Scrape(time, member, samples));
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      history.failed(member, time, message);
      LOG.debug("scraping {} failed: {}", member, message);
    }
  }

  private void roundSafely() {
    try {
      scrapeNow();
    } catch (RuntimeException e) {
      // A throw would cancel the scheduled task for good; the next round tries again.
      LOG.warn("metrics round failed", e);
    }
  }

  public MetricsHistory history() {
    return history;
  }

  /** Runs {@code listener} after every round (on the scraping thread); close to unsubscribe. */
  public AutoCloseable onScrape(Runnable listener) {
    Objects.requireNonNull(listener, "listener");
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  /** Stops scheduling; a round in progress finishes. The executor stays the caller's. */
  @Override
  public synchronized void close() {
    closed = true;
    if (task != null) {
      task.cancel(false);
    }
  }
}
