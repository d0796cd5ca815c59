package io.cairn.console.core.metrics;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The scrapes of every member over the retention window. Thread-safe: the scraper adds from its
 * thread while UI threads read; every read answers an immutable copy.
 *
 * <p>Memory is bounded twice: by time ({@link #dropBefore}) and by a count per member, so that a
 * very short interval cannot grow it without end. Label maps are shared with the member's previous
 * scrape when they are equal, so a long history costs little more than its values.
 */
public final class MetricsHistory {
  /** What went wrong with a member's latest scrape, and when. */
  public record ScrapeError(Instant time, String message) {}

  private final int maxScrapesPerMember;
  private final Map<String, Deque<Scrape>> scrapes = new LinkedHashMap<>();
  private final Map<String, ScrapeError> errors = new HashMap<>();

  public MetricsHistory(int maxScrapesPerMember) {
    if (maxScrapesPerMember < 1) {
      throw new IllegalArgumentException("maxScrapesPerMember must be positive");
    }
    this.maxScrapesPerMember = maxScrapesPerMember;
  }

  /** Records a successful scrape; it clears the member's error. */
  public synchronized void add(Scrape scrape) {
    Deque<Scrape> list = scrapes.computeIfAbsent(scrape.member(), m -> new ArrayDeque<>());
    Scrape previous = list.peekLast();
    list.addLast(previous == null ? scrape : shareLabels(previous, scrape));
    while (list.size() > maxScrapesPerMember) {
      list.removeFirst();
    }
    errors.remove(scrape.member());
  }

  /** Records that a member could not be scraped in the round at {@code time}. */
  public synchronized void failed(String member, Instant time, String message) {
    scrapes.computeIfAbsent(member, m -> new ArrayDeque<>());
    errors.put(member, new ScrapeError(time, message));
  }

  /** Drops scrapes older than {@code cutoff}, and members with nothing left and no error. */
  public synchronized void dropBefore(Instant cutoff) {
    scrapes.values().forEach(list -> {
      while (!list.isEmpty() && list.peekFirst().time().isBefore(cutoff)) {
        list.removeFirst();
      }
    });
    errors.values().removeIf(e -> e.time().isBefore(cutoff));
    scrapes.entrySet().removeIf(e -> e.getValue().isEmpty() && !errors.containsKey(e.getKey()));
  }

  /** Members seen within the retention window, in the order they were first seen. */
  public synchronized Set<String> members() {
    return Collections.unmodifiableSet(new LinkedHashSet<>(scrapes.keySet()));
  }

  /** The member's scrapes, oldest first. */
  public synchronized List<Scrape> scrapes(String member) {
    Deque<Scrape> list = scrapes.get(member);
    return list == null ? List.of() : List.copyOf(list);
  }

  public synchronized Optional<Scrape> latest(String member) {
    Deque<Scrape> list = scrapes.get(member);
    return list == null ? Optional.empty() : Optional.ofNullable(list.peekLast());
  }

  /** Why the member's latest round failed; empty once a later scrape succeeded. */
  public synchronized Optional<String> lastError(String member) {
    return Optional.ofNullable(errors.get(member)).map(ScrapeError::message);
  }

  /** When the member's latest round failed; empty once a later scrape succeeded. */
  public synchronized Optional<Instant> lastErrorTime(String member) {
    return Optional.ofNullable(errors.get(member)).map(ScrapeError::time);
  }

  /** Samples whose name or labels equal the previous scrape's reuse its strings and maps. */
  private static Scrape shareLabels(Scrape previous, Scrape next) {
    Map<String, String> names = new HashMap<>();
    Map<Map<String, String>, Map<String, String>> labelSets = new HashMap<>();
    for (Sample s : previous.samples()) {
      names.putIfAbsent(s.name(), s.name());
      labelSets.putIfAbsent(s.labels(), s.labels());
    }
    List<Sample> shared = new ArrayList<>(next.samples().size());
    for (Sample s : next.samples()) {
      String name = names.getOrDefault(s.name(), s.name());
      Map<String, String> labels = labelSets.getOrDefault(s.labels(), s.labels());
      shared.add(name == s.name() && labels == s.labels() ? s : new Sample(name, labels, s.value()));
    }
    return new Scrape(next.time(), next.member(), shared);
  }
}
