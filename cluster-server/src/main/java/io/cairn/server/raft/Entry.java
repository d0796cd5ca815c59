package io.cairn.server.raft;

import java.util.Arrays;

/**
 * One log entry. The data array is owned by the entry once constructed: callers must not mutate
 * it. Equality is by value (including the payload) so tests and invariant checks can compare
 * entries directly.
 */
public record Entry(long term, long index, EntryType type, byte[] data) {
  private static final byte[] EMPTY = new byte[0];

  public Entry {
    if (type == null) {
      type = EntryType.DATA;
    }
    if (data == null) {
      data = EMPTY;
    }
  }

  public static Entry data(long term, long index, byte[] data) {
    return new Entry(term, index, EntryType.DATA, data);
  }

  Entry withTermIndex(long newTerm, long newIndex) {
    return new Entry(newTerm, newIndex, type, data);
  }

  /** Payload size counted against batching and the uncommitted-bytes limit. */
  long payloadSize() {
    return data.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Entry e
        && e.term == term
        && e.index == index
        && e.type == type
        && Arrays.equals(e.data, data);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(term) * 31 + Long.hashCode(index) * 17 + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return term + "/" + index + (type == EntryType.CONF_CHANGE ? " cc" : "") + "[" + data.length + "b]";
  }
}
