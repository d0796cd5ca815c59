package io.cairn.server.watch;

import io.cairn.server.mvcc.KeyRange;
import io.etcd.jetcd.api.Event;

/**
 * One watch: what it looks at, how it filters, and the next revision it still has to deliver.
 * {@code nextRevision} is written only under the hub's lock or by the catch-up thread while the
 * watcher is unsynced (when nothing else touches it).
 */
final class Watcher {
  final long id;
  final KeyRange range;
  final boolean prevKv;
  final boolean noPut;
  final boolean noDelete;
  final boolean progressNotify;
  final boolean fragment;
  final WatchStream stream;
  volatile long nextRevision;

  Watcher(
      long id,
      KeyRange range,
      long startRevision,
      boolean prevKv,
      boolean noPut,
      boolean noDelete,
      boolean progressNotify,
      boolean fragment,
      WatchStream stream) {
    this.id = id;
    this.range = range;
    this.nextRevision = startRevision;
    this.prevKv = prevKv;
    this.noPut = noPut;
    this.noDelete = noDelete;
    this.progressNotify = progressNotify;
    this.fragment = fragment;
    this.stream = stream;
  }

  /** Whether this watcher delivers {@code e} (range and filters; revision is checked apart). */
  boolean wants(Event e) {
    if (e.getType() == Event.EventType.PUT ? noPut : noDelete) {
      return false;
    }
    return range.contains(e.getKv().getKey());
  }

  /** The event as this watcher sends it: without the previous value unless asked for. */
  Event shape(Event e) {
    return prevKv || !e.hasPrevKv() ? e : e.toBuilder().clearPrevKv().build();
  }
}
