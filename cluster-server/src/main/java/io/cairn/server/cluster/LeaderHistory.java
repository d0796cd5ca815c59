package io.cairn.server.cluster;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * This member's view of leadership over time: every change of the leader it follows (elected,
 * lost, transferred), newest last, bounded so that a flapping cluster cannot grow it without end.
 * Served at {@code /cairn/v1/events} for the consoles.
 */
public final class LeaderHistory {
  /** One change: at {@code time}, in {@code term}, leadership went from one member to another. */
  public record Change(Instant time, long term, long previousLeader, long leader, String reason) {}

  private static final int LIMIT = 1_000;
  private final Deque<Change> changes = new ArrayDeque<>();
  private long sequence;

  public synchronized void record(Change c) {
    changes.addLast(c);
    sequence++;
    while (changes.size() > LIMIT) {
      changes.removeFirst();
    }
  }

  public synchronized List<Change> list() {
    return new ArrayList<>(changes);
  }

  /** How many changes were ever recorded (the list keeps the latest {@value #LIMIT}). */
  public synchronized long total() {
    return sequence;
  }

  /** The history as JSON: {@code {"member":"<hex>","total":n,"events":[...]}}. */
  public String toJson(long memberId) {
    List<Change> all;
    long total;
    synchronized (this) {
      all = new ArrayList<>(changes);
      total = sequence;
    }
    StringBuilder b = new StringBuilder();
    b.append("{\"member\":\"").append(Long.toHexString(memberId)).append("\",\"total\":")
        .append(total).append(",\"events\":[");
    for (int i = 0; i < all.size(); i++) {
      Change c = all.get(i);
      if (i > 0) {
        b.append(',');
      }
      b.append("{\"time\":\"").append(c.time()).append("\",\"term\":").append(c.term())
          .append(",\"previousLeader\":\"").append(hex(c.previousLeader()))
          .append("\",\"leader\":\"").append(hex(c.leader()))
          .append("\",\"reason\":\"").append(c.reason()).append("\"}");
    }
    return b.append("]}").toString();
  }

  private static String hex(long id) {
    return id == 0 ? "" : Long.toHexString(id);
  }
}
