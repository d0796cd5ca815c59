package io.cairn.server.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cairn.server.api.http.HttpListeners;
import io.cairn.server.api.http.HttpRouter;
import io.cairn.server.config.TlsConfig;
import io.cairn.server.raft.Entry;
import io.cairn.server.raft.Message;
import io.cairn.server.raft.MessageType;
import io.cairn.server.testing.TestCertificates;
import io.cairn.server.tls.TlsContexts;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Raft messages between two members over real sockets, and HTTP on the same peer port. */
class PeerTransportTest {
  private static final long CLUSTER = 0x1234;

  private static HttpRouter versionRouter() {
    HttpRouter r = new HttpRouter();
    r.add("/version", (ctx, req) ->
        HttpRouter.send(ctx, req, HttpRouter.json(HttpResponseStatus.OK, "{\"ok\":true}")));
    return r;
  }

  private static Message append(long index) {
    return Message.builder(MessageType.APP).from(1).to(2).term(3).index(index)
        .entries(List.of(Entry.data(3, index + 1, ("e" + index).getBytes()))).build();
  }

  private static URI url(String scheme, HttpListeners l) {
    return URI.create(scheme + "://127.0.0.1:" + l.addresses().get(0).getPort());
  }

  @Test
  void messagesArriveInOrderAndHttpSharesThePort() throws Exception {
    BlockingQueue<Message> inbox = new LinkedBlockingQueue<>();
    AtomicLong rtt = new AtomicLong();
    try (HttpListeners server = PeerServer.start(List.of(URI.create("http://127.0.0.1:0")),
            () -> null, versionRouter(), CLUSTER, inbox::add, CallHandler.NONE, TransportListener.NONE);
        PeerTransport t = new PeerTransport(1, CLUSTER, null, new TransportListener() {
          @Override
          public void roundTrip(long peer, long nanos) {
            rtt.set(nanos);
          }
        })) {
      t.addPeer(2, url("http", server));
      await().atMost(Duration.ofSeconds(10)).until(() -> t.isConnected(2));
      for (int i = 0; i < 100; i++) {
        assertThat(t.send(append(i))).isTrue();
      }
      for (int i = 0; i < 100; i++) {
        Message m = inbox.poll(10, TimeUnit.SECONDS);
        assertThat(m).isNotNull();
        assertThat(m.index()).isEqualTo(i);
        assertThat(m.entries().get(0).data()).isEqualTo(("e" + i).getBytes());
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> rtt.get() > 0);
      HttpResponse<String> v = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(url("http", server) + "/version")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(v.body()).isEqualTo("{\"ok\":true}");
    }
  }

  @Test
  void callsAreAnsweredOnTheSameConnectionWithTheirErrorText() throws Exception {
    CallHandler echo = (from, method, request) -> switch (method) {
      case "echo" -> CompletableFuture.completedFuture(
          (from + ":" + new String(request, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
      case "slow" -> new CompletableFuture<>();
      default -> CompletableFuture.failedFuture(new IllegalStateException("etcdserver: not leader"));
    };
    try (HttpListeners server = PeerServer.start(List.of(URI.create("http://127.0.0.1:0")),
            () -> null, versionRouter(), CLUSTER, m -> {}, echo, TransportListener.NONE);
        PeerTransport t = new PeerTransport(7, CLUSTER, null, TransportListener.NONE)) {
      assertThat(t.call(2, "echo", new byte[0], 1000)).failsWithin(Duration.ofSeconds(5));
      t.addPeer(2, url("http", server));
      await().atMost(Duration.ofSeconds(10)).until(() -> t.isConnected(2));
      byte[] got = t.call(2, "echo", "hi".getBytes(StandardCharsets.UTF_8), 5000).get(5, TimeUnit.SECONDS);
      assertThat(new String(got, StandardCharsets.UTF_8)).isEqualTo("7:hi");
      assertThat(t.call(2, "other", new byte[0], 5000))
          .failsWithin(Duration.ofSeconds(5))
          .withThrowableOfType(java.util.concurrent.ExecutionException.class)
          .havingCause()
          .isInstanceOf(PeerCallException.class)
          .withMessage("etcdserver: not leader");
      assertThat(t.call(2, "slow", new byte[0], 200))
          .failsWithin(Duration.ofSeconds(5))
          .withThrowableOfType(java.util.concurrent.ExecutionException.class)
          .havingCause()
          .isInstanceOf(java.util.concurrent.TimeoutException.class);
    }
  }

  @Test
  void aMemberOfAnotherClusterIsRefused() throws Exception {
    BlockingQueue<Message> inbox = new LinkedBlockingQueue<>();
    try (HttpListeners server = PeerServer.start(List.of(URI.create("http://127.0.0.1:0")),
            () -> null, versionRouter(), CLUSTER, inbox::add, CallHandler.NONE, TransportListener.NONE);
        PeerTransport t = new PeerTransport(1, CLUSTER + 1, null, TransportListener.NONE)) {
      t.addPeer(2, url("http", server));
      for (int i = 0; i < 20; i++) {
        t.send(append(i));
        Thread.sleep(50);
      }
      assertThat(inbox.poll(500, TimeUnit.MILLISECONDS)).isNull();
    }
  }

  @Test
  void membersWithNegativeIdsStayConnected() throws Exception {
    // Member IDs are 64-bit hashes: half of them are negative as Java longs. A negative sender
    // ID was once taken for "no preface yet", so its second frame closed the connection.
    BlockingQueue<Message> inbox = new LinkedBlockingQueue<>();
    long sender = 0xa6b899a614adff8fL;
    try (HttpListeners server = PeerServer.start(List.of(URI.create("http://127.0.0.1:0")),
            () -> null, versionRouter(), CLUSTER, inbox::add, CallHandler.NONE,
            TransportListener.NONE);
        PeerTransport t = new PeerTransport(sender, CLUSTER, null, TransportListener.NONE)) {
      t.addPeer(2, url("http", server));
      await().atMost(Duration.ofSeconds(10)).until(() -> t.isConnected(2));
      for (int i = 0; i < 5; i++) {
        assertThat(t.send(append(i))).isTrue();
        assertThat(inbox.poll(10, TimeUnit.SECONDS).index()).isEqualTo(i);
      }
      assertThat(t.isConnected(2)).isTrue();
    }
  }

  @Test
  void connectsOnceThePeerStartsListening() throws Exception {
    // Members of a new cluster start one by one: the first finds nobody listening yet.
    int port;
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    URI where = URI.create("http://127.0.0.1:" + port);
    BlockingQueue<Message> inbox = new LinkedBlockingQueue<>();
    try (PeerTransport t = new PeerTransport(1, CLUSTER, null, TransportListener.NONE)) {
      t.addPeer(2, where);
      // Long enough for the backoff to reach its cap.
      Thread.sleep(3_500);
      assertThat(t.isConnected(2)).isFalse();
      try (HttpListeners late = PeerServer.start(List.of(where), () -> null, versionRouter(),
          CLUSTER, inbox::add, CallHandler.NONE, TransportListener.NONE)) {
        await().atMost(Duration.ofSeconds(15)).until(() -> t.isConnected(2));
        assertThat(t.send(append(3))).isTrue();
        assertThat(inbox.poll(10, TimeUnit.SECONDS).index()).isEqualTo(3);
      }
    }
  }

  @Test
  void reconnectsWhenThePeerComesBack() throws Exception {
    BlockingQueue<Message> inbox = new LinkedBlockingQueue<>();
    HttpListeners first = PeerServer.start(List.of(URI.create("http://127.0.0.1:0")),
        () -> null, versionRouter(), CLUSTER, inbox::add, CallHandler.NONE, TransportListener.NONE);
    URI where = url("http", first);
    try (PeerTransport t = new PeerTransport(1, CLUSTER, null, TransportListener.NONE)) {
      t.addPeer(2, where);
      await().atMost(Duration.ofSeconds(10)).until(() -> t.isConnected(2));
      first.close();
      await().atMost(Duration.ofSeconds(10)).until(() -> !t.isConnected(2));
      assertThat(t.send(append(1))).as("dropped while the peer is away").isFalse();
      try (HttpListeners again = PeerServer.start(List.of(where), () -> null, versionRouter(),
          CLUSTER, inbox::add, CallHandler.NONE, TransportListener.NONE)) {
        await().atMost(Duration.ofSeconds(15)).until(() -> t.isConnected(2));
        assertThat(t.send(append(7))).isTrue();
        assertThat(inbox.poll(10, TimeUnit.SECONDS).index()).isEqualTo(7);
      }
    }
  }

  @Test
  void mutualTlsBetweenPeers(@TempDir Path dir) throws Exception {
    TestCertificates.Certs c = TestCertificates.create(dir);
    TlsConfig server = new TlsConfig(c.serverCert(), c.serverKey(), c.caCert(), true, false, null,
        List.of(), List.of(), List.of());
    TlsConfig client = new TlsConfig(c.clientCert(), c.clientKey(), c.caCert(), true, false, null,
        List.of(), List.of(), List.of());
    BlockingQueue<Message> inbox = new LinkedBlockingQueue<>();
    try (HttpListeners s = PeerServer.start(List.of(URI.create("https://127.0.0.1:0")),
            () -> TlsContexts.serverContext(server, dir, List.of()), versionRouter(), CLUSTER,
            inbox::add, CallHandler.NONE, TransportListener.NONE);
        PeerTransport t = new PeerTransport(1, CLUSTER, TlsContexts.clientContext(client),
            TransportListener.NONE)) {
      t.addPeer(2, url("https", s));
      await().atMost(Duration.ofSeconds(10)).until(() -> t.isConnected(2));
      assertThat(t.send(append(5))).isTrue();
      assertThat(inbox.poll(10, TimeUnit.SECONDS).index()).isEqualTo(5);
    }
  }
}
