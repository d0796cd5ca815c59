package io.cairn.console.core.metrics;

import java.io.IOException;

/**
 * Fetches the {@code /metrics} text of one member. Blocking: it is only ever called from the
 * scraper's background thread, and implementations should bound it with a request timeout.
 */
@FunctionalInterface
public interface TextSource {
  String fetch(String member) throws IOException;
}
