package io.cairn.console.core.session;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks every endpoint for its Maintenance status every couple of seconds, on one daemon thread,
 * and turns the answers into a {@link ConnectionState}.
 *
 * <p>The calls go over the session's {@link MemberChannels} rather than jetcd's: every call gets a
 * deadline, and a failed probe resets the channel's reconnect backoff so a member that comes back
 * is noticed within one interval. Status needs no authentication in etcd, so when the profile has
 * a user the probe also authenticates once per outage, to report a wrong password as such.
 */
final class ConnectionProbe implements AutoCloseable {
  static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(2);
  static final Duration CALL_TIMEOUT = Duration.ofMillis(1500);
  private static final Duration AUTH_TIMEOUT = Duration.ofSeconds(5);
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionProbe.class);

  private final List<String> endpoints;
  private final MemberChannels channels;
  private final byte[] user;
  private final byte[] password;
  private final Duration interval;
  private final ScheduledExecutorService executor;
  private final List<Consumer<ConnectionState>> listeners = new CopyOnWriteArrayList<>();
  private volatile ConnectionState state;
  /** Touched on the probe thread only. */
  private boolean authenticated;

  ConnectionProbe(List<String> endpoints, MemberChannels channels, byte[] user, byte[] password, Duration interval) {
    this.endpoints = List.copyOf(endpoints);
    this.channels = channels;
    this.user = user == null ? null : user.clone();
    this.password = password == null ? null : password.clone();
    this.interval = interval;
    this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "cairn-session-probe");
      t.setDaemon(true);
      return t;
    });
    this.state = new ConnectionState(ConnectionState.Kind.CONNECTING,
        "connecting to " + String.join(", ", this.endpoints), Instant.now());
  }

  void start() {
    executor.scheduleWithFixedDelay(this::probeSafely, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  ConnectionState state() {
    return state;
  }

  AutoCloseable addListener(Consumer<ConnectionState> listener) {
    listeners.add(listener);
    // Delivered on the probe thread like every later change, so the listener sees states in order.
    executor.execute(() -> {
      if (listeners.contains(listener)) {
        notify(listener, state);
      }
    });
    return () -> listeners.remove(listener);
  }

  private void probeSafely() {
    try {
      probeOnce();
    } catch (RuntimeException e) {
      LOG.warn("connection probe failed", e);
    }
  }

  /** One round: all endpoints in parallel, each bounded by its deadline. Runs on the probe thread. */
  private void probeOnce() {
    Map<String, CompletableFuture<?>> calls = new LinkedHashMap<>();
    endpoints.forEach(endpoint -> calls.put(endpoint, channels.status(endpoint, CALL_TIMEOUT)));
    List<String> answering = new ArrayList<>();
    Map<String, String> failures = new LinkedHashMap<>();
    calls.forEach((endpoint, call) -> {
      String failure = await(call, CALL_TIMEOUT);
      if (failure == null) {
        answering.add(endpoint);
      } else {
        failures.put(endpoint, failure);
        channels.resetBackoff(endpoint);
      }
    });
    if (answering.isEmpty()) {
      authenticated = false;
      update(ConnectionState.Kind.UNREACHABLE, unreachableMessage(failures));
      return;
    }
    if (user != null && password != null && !authenticated) {
      String endpoint = answering.get(0);
      String authFailure = await(channels.authenticate(endpoint, user, password, AUTH_TIMEOUT), AUTH_TIMEOUT);
      // A cluster without auth enabled refuses Authenticate; the data calls work all the same.
      if (authFailure != null && !authFailure.contains("authentication is not enabled")) {
        update(ConnectionState.Kind.UNREACHABLE, "cannot use " + endpoint + ": " + authFailure);
        return;
      }
      authenticated = true;
    }
    String message = failures.isEmpty()
        ? "connected (" + answering.size() + " of " + endpoints.size() + " endpoints answer)"
        : "connected; " + unreachableMessage(failures);
    update(ConnectionState.Kind.CONNECTED, message);
  }

  /** Waits on the probe thread (the calls have deadlines); null on success, else why it failed. */
  private static String await(CompletableFuture<?> call, Duration deadline) {
    try {
      call.get(deadline.toMillis() + 1000, TimeUnit.MILLISECONDS);
      return null;
    } catch (ExecutionException | TimeoutException e) {
      return Failures.describe(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("probe interrupted", e);
    }
  }

  private static String unreachableMessage(Map<String, String> failures) {
    Map<String, List<String>> byCause = new LinkedHashMap<>();
    failures.forEach((endpoint, cause) -> byCause.computeIfAbsent(cause, c -> new ArrayList<>()).add(endpoint));
    List<String> parts = new ArrayList<>();
    byCause.forEach((cause, eps) -> parts.add(String.join(", ", eps) + ": " + cause));
    return "cannot reach " + String.join("; ", parts);
  }

  private void update(ConnectionState.Kind kind, String message) {
    ConnectionState old = state;
    if (old.kind() == kind && old.message().equals(message)) {
      return;
    }
    ConnectionState next = new ConnectionState(kind, message, old.kind() == kind ? old.since() : Instant.now());
    state = next;
    listeners.forEach(l -> notify(l, next));
  }

  private static void notify(Consumer<ConnectionState> listener, ConnectionState s) {
    try {
      listener.accept(s);
    } catch (RuntimeException e) {
      LOG.warn("connection state listener failed", e);
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
