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
import java.util.List;
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
            () -> null, versionRouter(), CLUSTER, inbox::add, TransportListener.NONE);
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
  void aMemberOfAnotherClusterIsRefused() throws Exception {
    BlockingQueue<Message> inbox = new LinkedBlockingQueue<>();
    try (HttpListeners server = PeerServer.start(List.of(URI.create("http://127.0.0.1:0")),
            () -> null, versionRouter(), CLUSTER, inbox::add, TransportListener.NONE);
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
  void reconnectsWhenThePeerComesBack() throws Exception {
    BlockingQueue<Message> inbox = new LinkedBlockingQueue<>();
    HttpListeners first = PeerServer.start(List.of(URI.create("http://127.0.0.1:0")),
        () -> null, versionRouter(), CLUSTER, inbox::add, TransportListener.NONE);
    URI where = url("http", first);
    try (PeerTransport t = new PeerTransport(1, CLUSTER, null, TransportListener.NONE)) {
      t.addPeer(2, where);
      await().atMost(Duration.ofSeconds(10)).until(() -> t.isConnected(2));
      first.close();
      await().atMost(Duration.ofSeconds(10)).until(() -> !t.isConnected(2));
      assertThat(t.send(append(1))).as("dropped while the peer is away").isFalse();
      try (HttpListeners again = PeerServer.start(List.of(where), () -> null, versionRouter(),
          CLUSTER, inbox::add, TransportListener.NONE)) {
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
            inbox::add, TransportListener.NONE);
        PeerTransport t = new PeerTransport(1, CLUSTER, TlsContexts.clientContext(client),
            TransportListener.NONE)) {
      t.addPeer(2, url("https", s));
      await().atMost(Duration.ofSeconds(10)).until(() -> t.isConnected(2));
      assertThat(t.send(append(5))).isTrue();
      assertThat(inbox.poll(10, TimeUnit.SECONDS).index()).isEqualTo(5);
    }
  }
}
