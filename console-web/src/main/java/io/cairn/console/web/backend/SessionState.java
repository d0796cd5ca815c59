package io.cairn.console.web.backend;

import com.vaadin.flow.server.VaadinSession;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * What one browser session has chosen: the cluster it looks at, whether writes are unlocked
 * (read-only is the default: a console must not change a production cluster by a stray click),
 * and the key separator. Lives in the {@link VaadinSession}; touched only under its lock.
 */
public final class SessionState {
  private Connection connection;
  private boolean writesAllowed;
  private String separator;
  private final List<Consumer<SessionState>> listeners = new ArrayList<>();

  private SessionState(Connection connection, String separator) {
    this.connection = connection;
    this.separator = separator;
  }

  /** The state of the current browser session, created on first use. */
  public static SessionState current() {
    VaadinSession vs = VaadinSession.getCurrent();
    SessionState s = vs.getAttribute(SessionState.class);
    if (s == null) {
      ConsoleServices services = ConsoleServices.current();
      s = new SessionState(services.startConnection(), services.config().separator());
      vs.setAttribute(SessionState.class, s);
    }
    return s;
  }

  public Connection connection() {
    return connection;
  }

  public void connectTo(Connection c) {
    this.connection = c;
    fire();
  }

  public boolean writesAllowed() {
    return writesAllowed;
  }

  public void allowWrites(boolean allowed) {
    this.writesAllowed = allowed;
    fire();
  }

  public String separator() {
    return separator;
  }

  public void separator(String s) {
    this.separator = s;
    fire();
  }

  /** Listens for changes of connection or write mode; returns the remover for onDetach. */
  public Runnable onChange(Consumer<SessionState> l) {
    listeners.add(l);
    return () -> listeners.remove(l);
  }

  private void fire() {
    new ArrayList<>(listeners).forEach(l -> l.accept(this));
  }
}
