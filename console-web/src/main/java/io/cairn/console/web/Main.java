package io.cairn.console.web;

import io.cairn.console.web.backend.ConsoleServices;
import io.cairn.console.web.server.EmbeddedJetty;

/** {@code bin/cairn-console}: the web console on an embedded Jetty. */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    for (String a : args) {
      if (a.equals("--help") || a.equals("-h")) {
        System.out.print(ConsoleArgs.help());
        return;
      }
    }
    ConsoleConfig config;
    try {
      config = ConsoleArgs.parse(args, System.getenv());
    } catch (ConsoleArgs.UsageException e) {
      System.err.println("cairn-console: " + e.getMessage());
      System.exit(2);
      return;
    }
    ConsoleServices services = ConsoleServices.start(config);
    EmbeddedJetty jetty;
    try {
      jetty = EmbeddedJetty.start(config.host(), config.port(), services);
    } catch (java.io.IOException e) {
      System.err.println("cairn-console: cannot listen on " + config.host() + ":" + config.port()
          + ": " + e.getMessage() + " (another --port?)");
      services.close();
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(services::close, "console-shutdown"));
    String host = config.host().equals("0.0.0.0") ? "127.0.0.1" : config.host();
    // Tools and tests wait for this line; keep its shape.
    System.out.println("Cairn console: http://" + host + ":" + jetty.port() + "/ (cluster "
        + String.join(",", config.endpoints()) + ")");
    System.out.flush();
    jetty.join();
  }
}
