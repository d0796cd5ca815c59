package io.cairn.console.core.watch;

/**
 * Something about the watch itself rather than the keys.
 *
 * @param revision STARTED/RESUMED: the first revision the watch delivers from; COMPACTED: the
 *                 compact revision; ERROR: the last revision delivered so far
 */
public record WatchNotice(Kind kind, String message, long revision) {
  public enum Kind {
    /** The watch is established. */
    STARTED,
    /** After a stream failure the watch is established again, delivering from {@code revision}. */
    RESUMED,
    /**
     * The revisions the watch needed next were compacted away: events before {@code revision} that
     * were not yet delivered are lost. The watch goes on from the compact revision, the oldest one
     * still available.
     */
    COMPACTED,
    /** The stream failed; the subscription retries with backoff until it is closed. */
    ERROR
  }
}
