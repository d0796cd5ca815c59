package io.cairn.console.web.backend;

import com.vaadin.flow.server.VaadinServlet;
import io.cairn.console.core.session.ClusterSession;
import io.cairn.console.core.session.ConnectionProfile;
import io.cairn.console.core.session.ProfileStore;
import io.cairn.console.web.ConsoleConfig;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The console's application-wide services: its configuration, the remembered profiles, the open
 * cluster connections and the scheduler that does their background work. One per console process;
 * views find it through the servlet context.
 */
public final class ConsoleServices implements AutoCloseable {
  private final ConsoleConfig config;
  private final ProfileStore profiles;
  private final ScheduledExecutorService scheduler;
  private final Map<String, Connection> connections = new ConcurrentHashMap<>();
  private final Connection startConnection;

  private ConsoleServices(ConsoleConfig config) {
    this.config = config;
    this.profiles = new ProfileStore(config.profilesFile());
    AtomicInteger n = new AtomicInteger();
    this.scheduler = Executors.newScheduledThreadPool(4, r -> {
      Thread t = new Thread(r, "console-background-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    char[] password = config.password() == null ? null : config.password().toCharArray();
    this.startConnection = open(config.startProfile(), password);
  }

  public static ConsoleServices start(ConsoleConfig config) {
    return new ConsoleServices(config);
  }

  /** The services of the console serving the current request. */
  public static ConsoleServices current() {
    Object services = VaadinServlet.getCurrent().getServletContext()
        .getAttribute(ConsoleConfig.CONTEXT_ATTRIBUTE);
    return (ConsoleServices) Objects.requireNonNull(services, "console services not installed");
  }

  public ConsoleConfig config() {
    return config;
  }

  public ProfileStore profiles() {
    return profiles;
  }

  public ScheduledExecutorService scheduler() {
    return scheduler;
  }

  /** The cluster given on the command line; open for the console's lifetime. */
  public Connection startConnection() {
    return startConnection;
  }

  /**
   * Opens (or returns the already open) connection for a profile. Opening never blocks on the
   * network: an unreachable cluster gives a connection whose session says so.
   */
  public Connection open(ConnectionProfile profile, char[] password) {
    String key = key(profile);
    Connection existing = connections.get(key);
    if (existing != null) {
      return existing;
    }
    ClusterSession session = ClusterSession.open(profile, password);
    Connection c = new Connection(session, config.scrapeInterval(), config.retention(), scheduler);
    Connection raced = connections.putIfAbsent(key, c);
    if (raced != null) {
      c.close();
      return raced;
    }
    return c;
  }

  /** Closes a connection other than the start one (for "disconnect" and changed credentials). */
  public void close(Connection c) {
    if (c == startConnection) {
      return;
    }
    connections.values().remove(c);
    c.close();
  }

  private static String key(ConnectionProfile p) {
    return String.join(",", p.endpoints()) + "|" + Objects.toString(p.user(), "") + "|" + p.tls();
  }

  @Override
  public void close() {
    connections.values().forEach(Connection::close);
    connections.clear();
    scheduler.shutdownNow();
  }
}
