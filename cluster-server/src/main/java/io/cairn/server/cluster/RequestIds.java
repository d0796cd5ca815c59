package io.cairn.server.cluster;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Unique IDs for this member's proposals, so that the member which proposed an entry recognises
 * it when the entry is applied (every member applies every entry; only the proposer answers).
 * As etcd's: the member ID's low 16 bits on top, then a counter that starts from the clock, so
 * IDs differ between members and do not repeat across restarts.
 */
public final class RequestIds {
  private final long prefix;
  private final AtomicLong counter;

  public RequestIds(long memberId, long nowMillis) {
    this.prefix = (memberId & 0xffffL) << 48;
    this.counter = new AtomicLong((nowMillis << 8) & 0xffff_ffff_ffffL);
  }

  public long next() {
    return prefix | (counter.incrementAndGet() & 0xffff_ffff_ffffL);
  }
}
