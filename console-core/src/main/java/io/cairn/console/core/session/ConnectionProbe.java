package io.cairn.console.core.session;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.AuthGrpc;
import io.etcd.jetcd.api.AuthenticateRequest;
import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.StatusRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.ssl.SslContext;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * <p>The probe keeps one gRPC channel per endpoint of its own rather than using jetcd's: every call
 * gets a deadline (jetcd's per-member calls have none, so a frozen member would pile up calls and
 * channels), and a failed probe resets the channel's reconnect backoff so a member that comes back
 * is noticed within one interval. Status needs no authentication in etcd, so when the profile has
 * a user the probe also authenticates once per outage, to report a wrong password as such.
 */
final class ConnectionProbe implements AutoCloseable {
  static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(2);
  static final Duration CALL_TIMEOUT = Duration.ofMillis(1500);
  private static final Duration AUTH_TIMEOUT = Duration.ofSeconds(5);
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionProbe.class);

  private final List<String> endpoints;
  private final Map<String, ManagedChannel> channels = new LinkedHashMap<>();
  private final ByteString user;
  private final ByteString password;
  private final Duration interval;
  private final ScheduledExecutorService executor;
  private final List<Consumer<ConnectionState>> listeners = new CopyOnWriteArrayList<>();
  private volatile ConnectionState state;
  /** Touched on the probe thread only. */
  private boolean authenticated;

  ConnectionProbe(List<String> endpoints, SslContext ssl, byte[] user, byte[] password, Duration interval) {
    this.endpoints = List.copyOf(endpoints);
    this.user = user == null ? null : ByteString.copyFrom(user);
    this.password = password == null ? null : ByteString.copyFrom(password);
    this.interval = interval;
    for (String endpoint : this.endpoints) {
      URI uri = URI.create(endpoint);
      NettyChannelBuilder b = NettyChannelBuilder.forAddress(uri.getHost(), uri.getPort())
          .withOption(io.netty.channel.ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) CALL_TIMEOUT.toMillis())
          .maxInboundMessageSize(1024 * 1024);
      if (ssl != null) {
        b.sslContext(ssl);
      } else {
        b.usePlaintext();
      }
      channels.put(endpoint, b.build());
    }
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
    Map<String, ListenableFuture<?>> calls = new LinkedHashMap<>();
    channels.forEach((endpoint, channel) -> calls.put(endpoint, MaintenanceGrpc.newFutureStub(channel)
        .withDeadlineAfter(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .status(StatusRequest.getDefaultInstance())));
    List<String> answering = new ArrayList<>();
    Map<String, String> failures = new LinkedHashMap<>();
    calls.forEach((endpoint, call) -> {
      try {
        call.get(CALL_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
        answering.add(endpoint);
      } catch (ExecutionException | TimeoutException e) {
        call.cancel(true);
        failures.put(endpoint, Failures.describe(e));
        channels.get(endpoint).resetConnectBackoff();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("probe interrupted", e);
      }
    });
    if (answering.isEmpty()) {
      authenticated = false;
      update(ConnectionState.Kind.UNREACHABLE, unreachableMessage(failures));
      return;
    }
    if (user != null && password != null && !authenticated) {
      String authFailure = authenticate(answering.get(0));
      if (authFailure != null) {
        update(ConnectionState.Kind.UNREACHABLE, "cannot use " + answering.get(0) + ": " + authFailure);
        return;
      }
      authenticated = true;
    }
    String message = failures.isEmpty()
        ? "connected (" + answering.size() + " of " + endpoints.size() + " endpoints answer)"
        : "connected; " + unreachableMessage(failures);
    update(ConnectionState.Kind.CONNECTED, message);
  }

  /** Null when the user and password are accepted, else why not. */
  private String authenticate(String endpoint) {
    try {
      AuthGrpc.newFutureStub(channels.get(endpoint))
          .withDeadlineAfter(AUTH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
          .authenticate(AuthenticateRequest.newBuilder().setNameBytes(user).setPasswordBytes(password).build())
          .get(AUTH_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
      return null;
    } catch (ExecutionException | TimeoutException e) {
      String why = Failures.describe(e);
      // A cluster without auth enabled refuses Authenticate; the data calls will work all the same.
      return why.contains("authentication is not enabled") ? null : why;
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
    channels.values().forEach(ManagedChannel::shutdownNow);
  }
}
