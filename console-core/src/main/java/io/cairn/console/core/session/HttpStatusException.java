package io.cairn.console.core.session;

import java.io.IOException;
import java.net.URI;

/** A member answered an HTTP request with a status other than 2xx. */
public final class HttpStatusException extends IOException {
  private static final int MAX_BODY_IN_MESSAGE = 500;

  private final URI uri;
  private final int status;
  private final String body;

  public HttpStatusException(URI uri, int status, String body) {
    super("GET " + uri + " answered " + status + ": " + abbreviate(body));
    this.uri = uri;
    this.status = status;
    this.body = body;
  }

  public URI uri() {
    return uri;
  }

  public int status() {
    return status;
  }

  public String body() {
    return body;
  }

  private static String abbreviate(String body) {
    String b = body == null ? "" : body.strip();
    return b.length() <= MAX_BODY_IN_MESSAGE ? b : b.substring(0, MAX_BODY_IN_MESSAGE) + "...";
  }
}
