package io.cairn.server.raft;

import java.util.Arrays;

/** A state-machine image covering the log up to {@code meta.index}; data is opaque to the core. */
public record Snapshot(SnapshotMeta meta, byte[] data) {
  public static final Snapshot EMPTY = new Snapshot(SnapshotMeta.EMPTY, new byte[0]);

  public Snapshot {
    if (meta == null) {
      meta = SnapshotMeta.EMPTY;
    }
    if (data == null) {
      data = new byte[0];
    }
  }

  public long index() {
    return meta.index();
  }

  public long term() {
    return meta.term();
  }

  public boolean isEmpty() {
    return meta.index() == 0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Snapshot s && s.meta.equals(meta) && Arrays.equals(s.data, data);
  }

  @Override
  public int hashCode() {
    return meta.hashCode() * 31 + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "Snapshot[" + meta + ", " + data.length + "b]";
  }
}
