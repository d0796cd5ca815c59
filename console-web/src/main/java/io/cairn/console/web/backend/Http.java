package io.cairn.console.web.backend;

import io.cairn.console.core.session.ClusterSession;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Blocking HTTP reads for background threads (the metrics scraper, the event poll). */
final class Http {
  private Http() {}

  static String get(ClusterSession session, String endpoint, String path, Duration timeout)
      throws IOException {
    try {
      return session.httpGet(endpoint, path).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted reading " + endpoint + path, e);
    } catch (ExecutionException e) {
      throw new IOException(endpoint + path + ": " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IOException(endpoint + path + ": no answer within " + timeout.toSeconds() + " s", e);
    }
  }
}
