package io.cairn.server.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import java.util.List;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;
import ch.qos.logback.classic.jul.LevelChangePropagator;

/** Sets up logging from etcd's {@code --log-level} and {@code --log-outputs}. */
public final class Logging {
  private Logging() {}

  public static void configure(String level, List<String> outputs) {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    ctx.reset();
    // gRPC and Netty log through java.util.logging: route it here so every line is JSON.
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    LevelChangePropagator jul = new LevelChangePropagator();
    jul.setContext(ctx);
    jul.setResetJUL(true);
    ctx.addListener(jul);
    Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(toLevel(level));
    for (String out : outputs.isEmpty() ? List.of("default") : outputs) {
      root.addAppender(appender(ctx, out));
    }
    // Libraries are quiet unless something is wrong.
    ctx.getLogger("io.grpc").setLevel(Level.WARN);
    ctx.getLogger("io.netty").setLevel(Level.WARN);
  }

  private static OutputStreamAppender<ILoggingEvent> appender(LoggerContext ctx, String out) {
    LayoutWrappingEncoder<ILoggingEvent> enc = new LayoutWrappingEncoder<>();
    EtcdJsonLayout layout = new EtcdJsonLayout();
    layout.setContext(ctx);
    layout.start();
    enc.setLayout(layout);
    enc.setContext(ctx);
    enc.start();
    OutputStreamAppender<ILoggingEvent> a;
    switch (out) {
      case "default", "stderr" -> {
        ConsoleAppender<ILoggingEvent> c = new ConsoleAppender<>();
        c.setTarget("System.err");
        a = c;
      }
      case "stdout" -> {
        ConsoleAppender<ILoggingEvent> c = new ConsoleAppender<>();
        c.setTarget("System.out");
        a = c;
      }
      default -> {
        FileAppender<ILoggingEvent> f = new FileAppender<>();
        f.setFile(out);
        f.setAppend(true);
        a = f;
      }
    }
    a.setContext(ctx);
    a.setEncoder(enc);
    a.setImmediateFlush(true);
    a.start();
    return a;
  }

  static Level toLevel(String level) {
    return switch (level == null ? "info" : level.toLowerCase(java.util.Locale.ROOT)) {
      case "debug" -> Level.DEBUG;
      case "warn" -> Level.WARN;
      case "error", "dpanic", "panic", "fatal" -> Level.ERROR;
      default -> Level.INFO;
    };
  }
}
