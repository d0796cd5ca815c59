package io.cairn.server.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/** Keeps client libraries (netty, gRPC, vert.x, jetcd) from flooding test output with DEBUG logs. */
public final class QuietLogging {
  private static volatile boolean installed;

  private QuietLogging() {}

  public static void install() {
    if (installed) {
      return;
    }
    installed = true;
    for (String name : new String[] {"io.netty", "io.grpc", "io.vertx", "io.etcd"}) {
      if (LoggerFactory.getLogger(name) instanceof Logger logger) {
        logger.setLevel(Level.WARN);
      }
    }
  }
}
