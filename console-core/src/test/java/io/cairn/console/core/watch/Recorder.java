package io.cairn.console.core.watch;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Collects what a subscription delivers, for assertions from the test thread. */
final class Recorder implements WatchListener {
  private final List<List<WatchedEvent>> batches = new ArrayList<>();
  private final List<WatchNotice> notices = new ArrayList<>();

  @Override
  public synchronized void onEvents(List<WatchedEvent> batch) {
    batches.add(List.copyOf(batch));
  }

  @Override
  public synchronized void onNotice(WatchNotice notice) {
    notices.add(notice);
  }

  synchronized List<List<WatchedEvent>> batches() {
    return List.copyOf(batches);
  }

  synchronized List<WatchedEvent> events() {
    return batches.stream().flatMap(List::stream).toList();
  }

  synchronized List<Long> revisions() {
    return events().stream().map(WatchedEvent::revision).toList();
  }

  synchronized List<WatchNotice> notices() {
    return List.copyOf(notices);
  }

  synchronized boolean hasNotice(Predicate<WatchNotice> p) {
    return notices.stream().anyMatch(p);
  }

  synchronized boolean hasNotice(WatchNotice.Kind kind) {
    return hasNotice(n -> n.kind() == kind);
  }
}
