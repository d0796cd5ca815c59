package io.cairn.console.core.session;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * Turns the exceptions of jetcd, gRPC and the JDK HTTP client into short messages an operator can
 * act on ("connection refused", "TLS handshake failed: ...", "authentication failed").
 */
public final class Failures {
  private Failures() {}

  /** The exception inside {@link CompletionException}/{@link ExecutionException} wrappers. */
  public static Throwable unwrap(Throwable t) {
    Throwable e = t;
    while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  /** A one-line description of why a call failed. */
  public static String describe(Throwable failure) {
    Throwable top = unwrap(failure);
    String all = allMessages(top).toLowerCase(Locale.ROOT);
    if (all.contains("authentication failed") || all.contains("invalid user id or password")) {
      return "authentication failed (invalid user name or password)";
    }
    if (all.contains("permission denied")) {
      return "permission denied";
    }
    if (all.contains("user name is empty") || all.contains("user name not found")) {
      return "authentication failed (unknown user)";
    }
    for (Throwable c = top; c != null; c = c.getCause()) {
      if (c instanceof SSLException) {
        return "TLS handshake failed: " + firstLine(c.getMessage());
      }
      if (c instanceof ConnectException) {
        String m = c.getMessage() == null ? "" : c.getMessage().toLowerCase(Locale.ROOT);
        return m.contains("refused") ? "connection refused" : "cannot connect: " + firstLine(c.getMessage());
      }
      if (c instanceof UnknownHostException || c instanceof UnresolvedAddressException) {
        return "unknown host " + firstLine(c.getMessage());
      }
      if (c instanceof TimeoutException || c instanceof HttpTimeoutException) {
        return "no answer in time";
      }
      if (c.getClass().getName().endsWith("ConnectTimeoutException")) {
        return "connection timed out";
      }
    }
    if (all.contains("connection refused")) {
      return "connection refused";
    }
    if (all.contains("ssl") || all.contains("tls") || all.contains("handshake")) {
      return "TLS handshake failed: " + firstLine(top.getMessage());
    }
    if (all.contains("deadline_exceeded") || all.contains("deadline exceeded")) {
      return "no answer in time";
    }
    Status status = statusOf(top);
    if (status != null && status.getDescription() != null) {
      return status.getDescription();
    }
    String message = top.getMessage();
    return message == null || message.isBlank() ? top.getClass().getSimpleName() : firstLine(message);
  }

  private static Status statusOf(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof StatusRuntimeException sre) {
        return sre.getStatus();
      }
    }
    return null;
  }

  private static String allMessages(Throwable t) {
    StringBuilder sb = new StringBuilder();
    int depth = 0;
    for (Throwable c = t; c != null && depth < 16; c = c.getCause(), depth++) {
      sb.append(c.getClass().getName()).append(": ").append(c.getMessage()).append('\n');
    }
    return sb.toString();
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
