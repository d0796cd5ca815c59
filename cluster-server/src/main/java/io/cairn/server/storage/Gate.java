package io.cairn.server.storage;

/**
 * Lets any number of users in at once, until someone needs the place to themselves: then new
 * users wait and the closer waits for the current ones to leave. Used to swap the LMDB
 * environment (defragmentation) while no transaction is open. Not reentrant for the closer's
 * sake: a user must never enter twice on one thread.
 */
final class Gate {
  private int users;
  private boolean closed;

  synchronized void enter() {
    boolean interrupted = false;
    while (closed) {
      try {
        wait();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    users++;
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  synchronized void exit() {
    if (--users == 0) {
      notifyAll();
    }
  }

  /** Blocks new users and waits until the current ones have left. */
  synchronized void close() throws InterruptedException {
    closed = true;
    while (users > 0) {
      wait();
    }
  }

  synchronized void open() {
    closed = false;
    notifyAll();
  }
}
