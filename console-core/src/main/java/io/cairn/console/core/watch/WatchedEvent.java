package io.cairn.console.core.watch;

import io.etcd.jetcd.ByteSequence;
import java.time.Instant;

/**
 * One change seen by a watch.
 *
 * @param revision       the revision of the change (the key's mod revision)
 * @param value          the new value; empty for a DELETE
 * @param prevValue      the value before the change, or null when the watch did not ask for it
 *                       or the key did not exist
 * @param createRevision 0 for a DELETE
 * @param version        the key's version after the change; 0 for a DELETE
 * @param received       when this process received the event
 */
public record WatchedEvent(long revision, Type type, ByteSequence key, ByteSequence value, ByteSequence prevValue,
    long createRevision, long modRevision, long version, Instant received) {
  public enum Type {
    PUT,
    DELETE
  }
}
