package io.cairn.console.core.watch;

import java.util.List;

/**
 * Receives a {@link WatchSubscription}'s events and notices. Calls come one at a time, in order, on
 * a jetcd or subscription thread: a UI must hand the data over to its own thread and must not block
 * here (the next events wait until the call returns).
 */
public interface WatchListener {
  /** Events in revision order; all events of one revision come in one batch. */
  void onEvents(List<WatchedEvent> batch);

  void onNotice(WatchNotice notice);
}
