package io.cairn.console.core.session;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.maintenance.StatusResponse;
import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/**
 * An open connection to one cluster: a jetcd {@link Client} for gRPC, a JDK HTTP client for the
 * members' HTTP endpoints ({@code /version}, {@code /health}, {@code /metrics}) and a
 * {@link ConnectionProbe} that keeps {@link #state()} current.
 *
 * <p>Nothing here blocks for long: {@link #open} only builds clients (a cluster that is down gives
 * a session in state CONNECTING that later turns UNREACHABLE), and the network calls return
 * futures. jetcd reconnects by itself when members come back, so a session survives outages.
 */
public final class ClusterSession implements AutoCloseable {
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
  static final Duration HTTP_TIMEOUT = Duration.ofSeconds(10);
  /** {@code /metrics} of a busy member is a few hundred KB; anything near this is not a member. */
  static final int MAX_HTTP_BODY = 16 * 1024 * 1024;

  private final ConnectionProfile profile;
  private final List<String> endpoints;
  private final Client client;
  private final HttpClient http;
  private final MemberChannels channels;
  private final ConnectionProbe probe;
  private final AtomicReference<CompletableFuture<Boolean>> cairn = new AtomicReference<>();

  private ClusterSession(ConnectionProfile profile, List<String> endpoints, Client client, HttpClient http,
      MemberChannels channels, ConnectionProbe probe) {
    this.profile = profile;
    this.channels = channels;
    this.endpoints = endpoints;
    this.client = client;
    this.http = http;
    this.probe = probe;
  }

  /**
   * Builds the clients and starts the probe; does not wait for the cluster.
   *
   * @param password the user's password, or null to connect without authentication (the array is
   *                 only read, never kept; the caller may wipe it afterwards)
   * @throws IllegalArgumentException when the TLS files cannot be read
   */
  public static ClusterSession open(ConnectionProfile profile, char[] password) {
    return open(profile, password, ConnectionProbe.DEFAULT_INTERVAL);
  }

  /** Like {@link #open(ConnectionProfile, char[])} with another probe interval (tests). */
  static ClusterSession open(ConnectionProfile profile, char[] password, Duration probeInterval) {
    List<String> endpoints = profile.normalizedEndpoints();
    boolean tls = profile.usesTls();
    ClientBuilder builder = Client.builder()
        .endpoints(endpoints.toArray(String[]::new))
        .connectTimeout(CONNECT_TIMEOUT)
        .keepaliveTime(Duration.ofSeconds(30))
        .keepaliveTimeout(Duration.ofSeconds(10))
        .maxInboundMessageSize(64 * 1024 * 1024);
    byte[] user = null;
    byte[] secret = null;
    if (profile.user() != null && password != null) {
      user = profile.user().getBytes(StandardCharsets.UTF_8);
      secret = utf8(password);
      builder.user(ByteSequence.from(user));
      builder.password(ByteSequence.from(secret));
    }
    HttpClient.Builder httpBuilder = HttpClient.newBuilder()
        .connectTimeout(CONNECT_TIMEOUT)
        .followRedirects(HttpClient.Redirect.NEVER);
    SslContext grpcSsl = null;
    if (tls) {
      grpcSsl = grpcSsl(profile.tls());
      builder.sslContext(grpcSsl);
      httpBuilder.sslContext(jdkSsl(profile.tls()));
    }
    MemberChannels channels = new MemberChannels(grpcSsl != null ? grpcSsl : grpcSsl(null));
    ConnectionProbe probe = new ConnectionProbe(endpoints, channels, user, secret, probeInterval);
    ClusterSession session = new ClusterSession(profile, endpoints, builder.build(), httpBuilder.build(),
        channels, probe);
    if (secret != null) {
      Arrays.fill(secret, (byte) 0);
    }
    session.probe.start();
    return session;
  }

  public ConnectionProfile profile() {
    return profile;
  }

  /** The jetcd client; it may be used from any thread and all its calls are asynchronous. */
  public Client client() {
    return client;
  }

  /** The profile's endpoints as {@code http(s)://host:port}. */
  public List<String> endpoints() {
    return endpoints;
  }

  /** The latest state found by the probe. */
  public ConnectionState state() {
    return probe.state();
  }

  /**
   * Calls {@code listener} with the current state and then with every change, always on the
   * session's probe thread (UIs must hand over to their own thread). Close the result to stop.
   */
  public AutoCloseable onStateChange(java.util.function.Consumer<ConnectionState> listener) {
    return probe.addListener(listener);
  }

  /**
   * The URI of {@code path} on a member; {@code endpoint} may be in any accepted form and is given
   * this profile's default scheme when it has none.
   */
  public URI httpUri(String endpoint, String path) {
    String base = ConnectionProfile.normalize(endpoint, profile.usesTls());
    String p = path == null || path.isEmpty() ? "/" : path.startsWith("/") ? path : "/" + path;
    return URI.create(base + p);
  }

  /**
   * GETs {@code path} from {@code endpoint} as text. Fails with {@link HttpStatusException} for a
   * status other than 2xx, and for bodies over {@value #MAX_HTTP_BODY} bytes.
   */
  public CompletableFuture<String> httpGet(String endpoint, String path) {
    URI uri = httpUri(endpoint, path);
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(HTTP_TIMEOUT).GET().build();
    return http.sendAsync(request, BoundedBody.handler(MAX_HTTP_BODY)).thenCompose(r -> {
      if (r.statusCode() / 100 == 2) {
        return CompletableFuture.completedFuture(r.body());
      }
      return CompletableFuture.failedFuture(new HttpStatusException(uri, r.statusCode(), r.body()));
    });
  }

  /**
   * Whether the cluster runs Cairn (its {@code /version} carries an {@code X-Cairn-Version}
   * header) rather than etcd. Asks the endpoints in order until one answers; a successful answer
   * is cached for the life of the session, a failure is not.
   */
  public CompletableFuture<Boolean> isCairn() {
    CompletableFuture<Boolean> known = cairn.get();
    if (known != null && !known.isCompletedExceptionally()) {
      return known;
    }
    CompletableFuture<Boolean> asked = askVersion(0);
    cairn.set(asked);
    return asked;
  }

  private CompletableFuture<Boolean> askVersion(int index) {
    URI uri = httpUri(endpoints.get(index), "/version");
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(HTTP_TIMEOUT).GET().build();
    CompletableFuture<Boolean> answer = http.sendAsync(request, BoundedBody.handler(64 * 1024))
        .thenCompose(r -> r.statusCode() / 100 == 2
            ? CompletableFuture.completedFuture(r.headers().firstValue("X-Cairn-Version").isPresent())
            : CompletableFuture.failedFuture(new HttpStatusException(uri, r.statusCode(), r.body())));
    if (index + 1 >= endpoints.size()) {
      return answer;
    }
    return answer.handle((v, e) -> e == null ? CompletableFuture.completedFuture(v) : askVersion(index + 1))
        .thenCompose(f -> f);
  }

  /**
   * Maintenance Status of the member at {@code endpoint} (any accepted form), asked of that member
   * alone with a deadline of {@code timeout}. Unlike jetcd's {@code statusMember} this reuses one
   * channel per member and cannot hang.
   */
  public CompletableFuture<StatusResponse> memberStatus(String endpoint, Duration timeout) {
    try {
      return channels.status(ConnectionProfile.normalize(endpoint, profile.usesTls()), timeout);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Stops the probe and closes the clients; idempotent. */
  @Override
  public void close() {
    probe.close();
    channels.close();
    client.close();
  }

  private static SslContext grpcSsl(TlsFiles tls) {
    try {
      return configure(GrpcSslContexts.forClient(), tls).build();
    } catch (SSLException | RuntimeException e) {
      throw new IllegalArgumentException("cannot use the TLS files: " + e.getMessage(), e);
    }
  }

  private static SSLContext jdkSsl(TlsFiles tls) {
    try {
      SslContext ctx = configure(SslContextBuilder.forClient().sslProvider(SslProvider.JDK), tls).build();
      return ((JdkSslContext) ctx).context();
    } catch (SSLException | RuntimeException e) {
      throw new IllegalArgumentException("cannot use the TLS files: " + e.getMessage(), e);
    }
  }

  private static SslContextBuilder configure(SslContextBuilder b, TlsFiles tls) {
    if (tls == null) {
      return b;
    }
    if (tls.caCert() != null) {
      b.trustManager(tls.caCert().toFile());
    }
    if (tls.hasClientCertificate()) {
      b.keyManager(tls.clientCert().toFile(), tls.clientKey().toFile());
    }
    return b;
  }

  private static byte[] utf8(char[] password) {
    ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
    byte[] bytes = Arrays.copyOfRange(encoded.array(), encoded.position(), encoded.limit());
    Arrays.fill(encoded.array(), (byte) 0);
    return bytes;
  }
}
