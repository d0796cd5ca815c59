package io.cairn.server;

import jnr.ffi.LibraryLoader;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGTERM and SIGINT as a Go program handles them: shut down cleanly, then end by the same signal
 * (default disposition restored and the signal sent again), so that whoever started the member
 * sees a death by signal rather than an exit code.
 */
final class Signals {
  private Signals() {}

  /** The two libc calls needed; bound through jnr-ffi, which the LMDB binding already brings. */
  public interface LibC {
    int getpid();

    int kill(int pid, int sig);
  }

  static void onTermination(Runnable cleanShutdown) {
    SignalHandler handler =
        sig -> {
          try {
            cleanShutdown.run();
          } finally {
            Signal.handle(sig, SignalHandler.SIG_DFL);
            LibC libc = LibraryLoader.create(LibC.class).load("c");
            libc.kill(libc.getpid(), sig.getNumber());
          }
        };
    Signal.handle(new Signal("TERM"), handler);
    Signal.handle(new Signal("INT"), handler);
  }
}
