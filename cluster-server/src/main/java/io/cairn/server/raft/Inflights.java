package io.cairn.server.raft;

import java.util.ArrayDeque;

/**
 * Appends sent to a follower in REPLICATE state and not yet acknowledged, as the last index of
 * each. Bounding them bounds memory and the follower's receive queue (flow control).
 */
final class Inflights {
  private final int capacity;
  private final ArrayDeque<Long> lastIndexes = new ArrayDeque<>();

  Inflights(int capacity) {
    this.capacity = capacity;
  }

  void add(long lastIndex) {
    if (full()) {
      throw new IllegalStateException("inflights full");
    }
    lastIndexes.addLast(lastIndex);
  }

  /** An ack up to index i frees every message whose entries it covers. */
  void freeLE(long i) {
    while (!lastIndexes.isEmpty() && lastIndexes.peekFirst() <= i) {
      lastIndexes.removeFirst();
    }
  }

  /** A heartbeat response proves the follower is alive; let one more message through. */
  void freeFirstOne() {
    lastIndexes.pollFirst();
  }

  boolean full() {
    return lastIndexes.size() >= capacity;
  }

  int count() {
    return lastIndexes.size();
  }

  void reset() {
    lastIndexes.clear();
  }
}
