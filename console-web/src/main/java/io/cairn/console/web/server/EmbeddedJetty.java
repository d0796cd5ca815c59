package io.cairn.console.web.server;

import java.net.InetSocketAddress;
import java.net.URL;
import org.eclipse.jetty.ee10.annotations.AnnotationConfiguration;
import org.eclipse.jetty.ee10.webapp.MetaInfConfiguration;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.resource.ResourceFactory;

/**
 * The web console's servlet container: Jetty with annotation scanning of the class path, so that
 * Vaadin's servlet container initializers find the routes, and Jakarta WebSocket for {@code @Push}.
 */
public final class EmbeddedJetty implements AutoCloseable {
  private final Server server;

  private EmbeddedJetty(Server server) {
    this.server = server;
  }

  /**
   * Starts serving on {@code host:port} (port 0 = any free port), handing {@code services} to the
   * views through the servlet context.
   */
  public static EmbeddedJetty start(String host, int port, Object services) throws Exception {
    Server server = new Server(new InetSocketAddress(host, port));
    WebAppContext context = new WebAppContext();
    context.setContextPath("/");
    URL webapp = EmbeddedJetty.class.getResource("/webapp/ROOT");
    if (webapp == null) {
      throw new IllegalStateException("the console's /webapp/ROOT resource is missing from the class path");
    }
    context.setBaseResource(ResourceFactory.of(context).newResource(webapp.toURI()));
    // Scan every jar and class directory on the class path: the views live there, not in WEB-INF.
    context.setAttribute(MetaInfConfiguration.CONTAINER_JAR_PATTERN, ".*\\.jar|.*/classes/.*");
    context.setConfigurationDiscovered(true);
    context.addConfiguration(new AnnotationConfiguration());
    context.setAttribute(io.cairn.console.web.ConsoleConfig.CONTEXT_ATTRIBUTE, services);
    context.setInitParameter("org.eclipse.jetty.servlet.Default.dirAllowed", "false");
    JakartaWebSocketServletContainerInitializer.configure(context, null);
    server.setHandler(context);
    server.setStopAtShutdown(true);
    server.start();
    return new EmbeddedJetty(server);
  }

  public int port() {
    return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
  }

  public void join() throws InterruptedException {
    server.join();
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }
}
