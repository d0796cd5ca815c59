package io.cairn.console.web.ui;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Turns exceptions from jetcd and the network into the message an operator should read. */
public final class Errors {
  private Errors() {}

  public static String message(Throwable t) {
    Throwable e = t;
    while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
      e = e.getCause();
    }
    String m = e.getMessage();
    if (m == null || m.isBlank()) {
      return e.getClass().getSimpleName();
    }
    // jetcd wraps gRPC errors as "io.grpc.StatusRuntimeException: CODE: text"; keep etcd's text.
    int grpc = m.lastIndexOf("Exception: ");
    if (grpc >= 0) {
      m = m.substring(grpc + "Exception: ".length());
    }
    return m;
  }
}
