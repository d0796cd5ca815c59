package io.cairn.server;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGTERM and SIGINT as a Go program handles them: shut down cleanly, then end by the same signal
 * (default handler restored and the signal raised again), so that whoever started the member sees
 * a death by signal rather than an exit code.
 */
final class Signals {
  private Signals() {}

  static void onTermination(Runnable cleanShutdown) {
    SignalHandler handler =
        sig -> {
          try {
            cleanShutdown.run();
          } finally {
            Signal.handle(sig, SignalHandler.SIG_DFL);
            Signal.raise(sig);
          }
        };
    Signal.handle(new Signal("TERM"), handler);
    Signal.handle(new Signal("INT"), handler);
  }
}
