package io.cairn.server.util;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Thread factories for the member's background work: named daemon threads. */
public final class DaemonThreads {
  private DaemonThreads() {}

  /** Threads named {@code name} (several threads of one pool get {@code name-N}). */
  public static ThreadFactory named(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      int i = n.getAndIncrement();
      Thread t = new Thread(r, i == 0 ? name : name + "-" + i);
      t.setDaemon(true);
      return t;
    };
  }
}
