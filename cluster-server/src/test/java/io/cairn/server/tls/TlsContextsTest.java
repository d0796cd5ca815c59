package io.cairn.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.server.config.TlsConfig;
import io.cairn.server.testing.TestCertificates;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsContextsTest {
  private static final long WAIT_S = 20;
  private static EventLoopGroup group;
  private static TestCertificates.Certs certs;
  @TempDir static Path tmp;

  private final List<Channel> toClose = new ArrayList<>();

  @BeforeAll
  static void setUp() {
    group = new NioEventLoopGroup(2);
    certs = TestCertificates.create(tmp.resolve("certs"));
  }

  @AfterAll
  static void tearDown() throws Exception {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).get(WAIT_S, TimeUnit.SECONDS);
  }

  @AfterEach
  void closeChannels() throws Exception {
    for (Channel c : toClose) {
      c.close().get(WAIT_S, TimeUnit.SECONDS);
    }
  }

  // ---------------------------------------------------------------- helpers

  private static TlsConfig server(Path ca, boolean clientCertAuth) {
    return new TlsConfig(certs.serverCert(), certs.serverKey(), ca, clientCertAuth, false, null,
        List.of(), List.of(), List.of());
  }

  private static TlsConfig client(TestCertificates.CertKey ck, Path ca) {
    return new TlsConfig(ck == null ? null : ck.cert(), ck == null ? null : ck.key(), ca, false,
        false, null, List.of(), List.of(), List.of());
  }

  /** A running echo server; {@code handshakes} completes with null or the failure. */
  private record EchoServer(int port, CompletableFuture<Throwable> handshake,
      CompletableFuture<X509Certificate> clientCert) {}

  private EchoServer startServer(SslContext ctx) throws Exception {
    CompletableFuture<Throwable> handshake = new CompletableFuture<>();
    CompletableFuture<X509Certificate> peer = new CompletableFuture<>();
    Channel ch = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel c) {
            SslHandler h = ctx.newHandler(c.alloc());
            h.handshakeFuture().addListener(f -> {
              handshake.complete(f.isSuccess() ? null : f.cause());
              if (f.isSuccess()) {
                try {
                  peer.complete((X509Certificate) h.engine().getSession().getPeerCertificates()[0]);
                } catch (Exception e) {
                  peer.complete(null);
                }
              }
            });
            c.pipeline().addLast(h, new ChannelInboundHandlerAdapter() {
              @Override
              public void channelRead(ChannelHandlerContext cx, Object msg) {
                cx.writeAndFlush(msg);
              }

              @Override
              public void exceptionCaught(ChannelHandlerContext cx, Throwable cause) {
                cx.close();
              }
            });
          }
        })
        .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    toClose.add(ch);
    return new EchoServer(((InetSocketAddress) ch.localAddress()).getPort(), handshake, peer);
  }

  /** What a client saw: a handshake failure, or the echo (null when the peer closed). */
  private record ClientResult(Throwable handshakeError, String echo, String alpn,
      String cipherSuite, String protocol) {}

  private ClientResult connect(SslContext ctx, int port) throws Exception {
    CompletableFuture<String> echo = new CompletableFuture<>();
    SslHandler[] handler = new SslHandler[1];
    Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel c) {
            handler[0] = TlsContexts.newClientHandler(ctx, c.alloc(), "localhost", port);
            c.pipeline().addLast(handler[0], new ChannelInboundHandlerAdapter() {
              @Override
              public void channelRead(ChannelHandlerContext cx, Object msg) {
                ByteBuf b = (ByteBuf) msg;
                echo.complete(b.toString(StandardCharsets.UTF_8));
                b.release();
              }

              @Override
              public void channelInactive(ChannelHandlerContext cx) {
                echo.complete(null);
              }

              @Override
              public void exceptionCaught(ChannelHandlerContext cx, Throwable cause) {
                echo.complete(null);
                cx.close();
              }
            });
          }
        })
        .connect(new InetSocketAddress("127.0.0.1", port)).sync().channel();
    toClose.add(ch);
    SslHandler h = handler[0];
    try {
      h.handshakeFuture().get(WAIT_S, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      return new ClientResult(e.getCause(), null, null, null, null);
    }
    ch.writeAndFlush(Unpooled.copiedBuffer("ping", StandardCharsets.UTF_8));
    String got = echo.get(WAIT_S, TimeUnit.SECONDS);
    return new ClientResult(null, got, h.applicationProtocol(),
        h.engine().getSession().getCipherSuite(), h.engine().getSession().getProtocol());
  }

  // ---------------------------------------------------------------- handshakes

  @Test
  void serverOnlyTls() throws Exception {
    EchoServer s = startServer(TlsContexts.serverContext(server(null, false), null, List.of()));
    ClientResult r = connect(TlsContexts.clientContext(client(null, certs.caCert())), s.port());
    assertThat(r.handshakeError()).isNull();
    assertThat(r.echo()).isEqualTo("ping");
    assertThat(s.handshake().get(WAIT_S, TimeUnit.SECONDS)).isNull();
  }

  @Test
  void pkcs1RsaKeyIsAccepted() throws Exception {
    TlsConfig cfg = new TlsConfig(certs.serverCert(), certs.serverKeyPkcs1(), null, false, false,
        null, List.of(), List.of(), List.of());
    assertThat(Files.readString(certs.serverKeyPkcs1())).contains("BEGIN RSA PRIVATE KEY");
    EchoServer s = startServer(TlsContexts.serverContext(cfg, null, List.of()));
    ClientResult r = connect(TlsContexts.clientContext(client(null, certs.caCert())), s.port());
    assertThat(r.echo()).isEqualTo("ping");
  }

  @Test
  void mutualTlsAccepted() throws Exception {
    EchoServer s = startServer(
        TlsContexts.serverContext(server(certs.caCert(), true), null, List.of()));
    ClientResult r = connect(
        TlsContexts.clientContext(client(certs.client(), certs.caCert())), s.port());
    assertThat(r.echo()).isEqualTo("ping");
    assertThat(TlsContexts.commonName(s.clientCert().get(WAIT_S, TimeUnit.SECONDS)))
        .isEqualTo("root");
  }

  @Test
  void clientWithoutCertRefusedWhenClientCertAuth() throws Exception {
    EchoServer s = startServer(
        TlsContexts.serverContext(server(certs.caCert(), true), null, List.of()));
    ClientResult r = connect(TlsContexts.clientContext(client(null, certs.caCert())), s.port());
    assertThat(r.echo()).isNull();
    Throwable serverSide = s.handshake().get(WAIT_S, TimeUnit.SECONDS);
    assertThat(serverSide).isNotNull();
    assertThat(TlsContexts.goStyleHandshakeError(serverSide))
        .isEqualTo("tls: client didn't provide a certificate");
  }

  @Test
  void trustedCaAloneRequiresClientCertLikeEtcd() throws Exception {
    EchoServer s = startServer(
        TlsContexts.serverContext(server(certs.caCert(), false), null, List.of()));
    ClientResult r = connect(TlsContexts.clientContext(client(null, certs.caCert())), s.port());
    assertThat(r.echo()).isNull();
    assertThat(s.handshake().get(WAIT_S, TimeUnit.SECONDS)).isNotNull();
  }

  @Test
  void clientCertFromWrongCaRefused() throws Exception {
    EchoServer s = startServer(
        TlsContexts.serverContext(server(certs.caCert(), true), null, List.of()));
    ClientResult r = connect(alwaysPresenting(certs.otherClient(), certs.caCert()), s.port());
    assertThat(r.echo()).isNull();
    if (r.handshakeError() != null) {
      assertThat(TlsContexts.goStyleHandshakeError(r.handshakeError(), false))
          .startsWith("remote error: tls: ");
    }
    Throwable serverSide = s.handshake().get(WAIT_S, TimeUnit.SECONDS);
    assertThat(TlsContexts.goStyleHandshakeError(serverSide)).isEqualTo(
        "tls: failed to verify client certificate: x509: certificate signed by unknown authority");
  }

  /**
   * A JDK client only presents a certificate whose issuer the server names; Go clients present
   * theirs regardless. This one does too.
   */
  private static SslContext alwaysPresenting(TestCertificates.CertKey ck, Path ca)
      throws Exception {
    List<X509Certificate> chain = PemFiles.certificates(ck.cert(), "cert-file");
    java.security.PrivateKey key = PemFiles.privateKey(ck.key(), "key-file");
    javax.net.ssl.X509ExtendedKeyManager km = new javax.net.ssl.X509ExtendedKeyManager() {
      @Override
      public String[] getClientAliases(String keyType, java.security.Principal[] issuers) {
        return new String[] {"c"};
      }

      @Override
      public String chooseClientAlias(String[] keyType, java.security.Principal[] issuers,
          java.net.Socket socket) {
        return "c";
      }

      @Override
      public String chooseEngineClientAlias(String[] keyType, java.security.Principal[] issuers,
          javax.net.ssl.SSLEngine engine) {
        return "c";
      }

      @Override
      public String[] getServerAliases(String keyType, java.security.Principal[] issuers) {
        return null;
      }

      @Override
      public String chooseServerAlias(String keyType, java.security.Principal[] issuers,
          java.net.Socket socket) {
        return null;
      }

      @Override
      public X509Certificate[] getCertificateChain(String alias) {
        return chain.toArray(new X509Certificate[0]);
      }

      @Override
      public java.security.PrivateKey getPrivateKey(String alias) {
        return key;
      }
    };
    return io.netty.handler.ssl.SslContextBuilder.forClient()
        .sslProvider(io.netty.handler.ssl.SslProvider.JDK).keyManager(km)
        .trustManager(ca.toFile()).build();
  }

  @Test
  void revokedClientCertRefusedByCrl() throws Exception {
    TlsConfig cfg = new TlsConfig(certs.serverCert(), certs.serverKey(), certs.caCert(), true,
        false, certs.crl(), List.of(), List.of(), List.of());
    SslContext ctx = TlsContexts.serverContext(cfg, null, List.of());
    EchoServer s = startServer(ctx);
    ClientResult r = connect(
        TlsContexts.clientContext(client(certs.revokedClient(), certs.caCert())), s.port());
    assertThat(r.echo()).isNull();
    assertThat(TlsContexts.goStyleHandshakeError(s.handshake().get(WAIT_S, TimeUnit.SECONDS)))
        .matches("transport: certificate serial [0-9a-f]+ revoked");

    EchoServer s2 = startServer(ctx);
    ClientResult ok = connect(
        TlsContexts.clientContext(client(certs.client(), certs.caCert())), s2.port());
    assertThat(ok.echo()).isEqualTo("ping");
  }

  @Test
  void crlIsReadAtEachHandshake() throws Exception {
    TestCertificates.CertKey later = certs.clientCert("later");
    Path crl = certs.crlRevoking("changing.crl");
    TlsConfig cfg = new TlsConfig(certs.serverCert(), certs.serverKey(), certs.caCert(), true,
        false, crl, List.of(), List.of(), List.of());
    SslContext ctx = TlsContexts.serverContext(cfg, null, List.of());
    EchoServer s = startServer(ctx);
    assertThat(connect(TlsContexts.clientContext(client(later, certs.caCert())), s.port()).echo())
        .isEqualTo("ping");
    certs.crlRevoking("changing.crl", later);
    EchoServer s2 = startServer(ctx);
    assertThat(connect(TlsContexts.clientContext(client(later, certs.caCert())), s2.port()).echo())
        .isNull();
  }

  @Test
  void cipherSuiteGivenWithGoNameIsNegotiated() throws Exception {
    TlsConfig cfg = new TlsConfig(certs.serverCert(), certs.serverKey(), null, false, false, null,
        List.of(), List.of(), List.of("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"));
    EchoServer s = startServer(TlsContexts.serverContext(cfg, null, List.of()));
    ClientResult r = connect(TlsContexts.clientContext(client(null, certs.caCert())), s.port());
    assertThat(r.echo()).isEqualTo("ping");
    assertThat(r.cipherSuite()).isEqualTo("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
    assertThat(r.protocol()).isEqualTo("TLSv1.2");
  }

  @Test
  void defaultsNegotiateTls13() throws Exception {
    EchoServer s = startServer(TlsContexts.serverContext(server(null, false), null, List.of()));
    ClientResult r = connect(TlsContexts.clientContext(client(null, certs.caCert())), s.port());
    assertThat(r.protocol()).isEqualTo("TLSv1.3");
  }

  @Test
  void cipherSuiteNamesMapToJdk() {
    assertThat(GoCipherSuites.toJdk("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"))
        .isEqualTo("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384");
    assertThat(GoCipherSuites.toJdk("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305"))
        .isEqualTo("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
    assertThatThrownBy(() -> GoCipherSuites.toJdk("TLS_NOPE"))
        .isInstanceOf(TlsException.class)
        .hasMessage("unexpected TLS cipher suite \"TLS_NOPE\"");
    TlsConfig cfg = new TlsConfig(certs.serverCert(), certs.serverKey(), null, false, false, null,
        List.of(), List.of(), List.of("TLS_BOGUS_SUITE"));
    assertThatThrownBy(() -> TlsContexts.serverContext(cfg, null, List.of()))
        .hasMessageContaining("TLS_BOGUS_SUITE");
  }

  @Test
  void alpnSelectsH2() throws Exception {
    EchoServer s = startServer(
        TlsContexts.serverContext(server(null, false), null, List.of(), "h2", "http/1.1"));
    ClientResult r = connect(
        TlsContexts.clientContext(client(null, certs.caCert()), null, List.of(), "h2"), s.port());
    assertThat(r.echo()).isEqualTo("ping");
    assertThat(r.alpn()).isEqualTo("h2");
  }

  @Test
  void alpnFallsBackToHttp11() throws Exception {
    EchoServer s = startServer(
        TlsContexts.serverContext(server(null, false), null, List.of(), "h2", "http/1.1"));
    ClientResult r = connect(TlsContexts.clientContext(client(null, certs.caCert()), null,
        List.of(), "http/1.1"), s.port());
    assertThat(r.alpn()).isEqualTo("http/1.1");
  }

  @Test
  void peerAllowedCnEnforcedAtHandshake() throws Exception {
    TlsConfig cfg = new TlsConfig(certs.serverCert(), certs.serverKey(), certs.caCert(), true,
        false, null, List.of("etcd-peer"), List.of(), List.of());
    SslContext ctx = TlsContexts.serverContext(cfg, null, List.of());
    EchoServer s = startServer(ctx);
    ClientResult r = connect(
        TlsContexts.clientContext(client(certs.client(), certs.caCert())), s.port());
    assertThat(r.echo()).isNull();
    assertThat(TlsContexts.goStyleHandshakeError(s.handshake().get(WAIT_S, TimeUnit.SECONDS)))
        .isEqualTo("CommonName authentication failed");

    EchoServer s2 = startServer(ctx);
    ClientResult ok = connect(TlsContexts.clientContext(
        client(certs.peerCert("etcd-peer", "localhost"), certs.caCert())), s2.port());
    assertThat(ok.echo()).isEqualTo("ping");
  }

  @Test
  void checkPeerIdentityByCnAndHostname() throws Exception {
    X509Certificate peer = read(certs.peerCert("m1", "m1.etcd.local", "127.0.0.1").cert());
    TlsConfig none = TlsConfig.none();
    TlsContexts.checkPeerIdentity(peer, none);
    TlsContexts.checkPeerIdentity(peer, withAllowed(List.of("x", "m1"), List.of()));
    assertThatThrownBy(() -> TlsContexts.checkPeerIdentity(peer, withAllowed(List.of("m2"),
        List.of()))).isInstanceOf(CertificateException.class)
        .hasMessage("CommonName authentication failed");
    TlsContexts.checkPeerIdentity(peer, withAllowed(List.of(), List.of("m1.etcd.local")));
    TlsContexts.checkPeerIdentity(peer, withAllowed(List.of(), List.of("127.0.0.1")));
    assertThatThrownBy(() -> TlsContexts.checkPeerIdentity(peer, withAllowed(List.of(),
        List.of("m2.etcd.local")))).isInstanceOf(CertificateException.class)
        .hasMessage("client certificate authentication failed");
  }

  private static TlsConfig withAllowed(List<String> cn, List<String> hostname) {
    return new TlsConfig(null, null, null, false, false, null, cn, hostname, List.of());
  }

  private static X509Certificate read(Path p) throws Exception {
    try (var in = Files.newInputStream(p)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  @Test
  void plaintextToTlsPortIsReportedLikeGo() throws Exception {
    EchoServer s = startServer(TlsContexts.serverContext(server(null, false), null, List.of()));
    Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class)
        .handler(new ChannelInboundHandlerAdapter())
        .connect(new InetSocketAddress("127.0.0.1", s.port())).sync().channel();
    toClose.add(ch);
    ch.writeAndFlush(Unpooled.copiedBuffer("GET / HTTP/1.1\r\nHost: x\r\n\r\n",
        StandardCharsets.US_ASCII)).sync();
    assertThat(TlsContexts.goStyleHandshakeError(s.handshake().get(WAIT_S, TimeUnit.SECONDS)))
        .isEqualTo("tls: first record does not look like a TLS handshake");
  }

  /** An EC key in SEC1 form ("BEGIN EC PRIVATE KEY", as openssl and Go write it). */
  private static final String SEC1_KEY =
      "-----BEGIN EC PRIVATE KEY-----\n"
      + "MHcCAQEEICn01lhwITP+Et1DqI2dlAgt5W3D3fbL0HnGMRhRakWXoAoGCCqGSM49\n"
      + "AwEHoUQDQgAEN4kGNYpCSIaTV7dAjbw3WCPDkb6BTPNZe5hr7fAM9Dm8icKnb0+D\n"
      + "CDHAZ2lnN7sGnL2/w9dQqonxG5HYOWGUww==\n"
      + "-----END EC PRIVATE KEY-----\n";
  private static final String SEC1_CERT =
      "-----BEGIN CERTIFICATE-----\n"
      + "MIIBdTCCARugAwIBAgIUPYICEt1tCHIkOO1wvvf0/9yu5/gwCgYIKoZIzj0EAwIw\n"
      + "DzENMAsGA1UEAwwEc2VjMTAgFw0yNjExMjQwMTM2NTZaGA8yMTI2MTAzMTAxMzY1\n"
      + "NlowDzENMAsGA1UEAwwEc2VjMTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABDeJ\n"
      + "BjWKQkiGk1e3QI28N1gjw5G+gUzzWXuYa+3wDPQ5vInCp29PgwgxwGdpZze7Bpy9\n"
      + "v8PXUKqJ8RuR2DlhlMOjUzBRMB0GA1UdDgQWBBQiupsYzC5tkyjVvRbA+jIlNwkS\n"
      + "LDAfBgNVHSMEGDAWgBQiupsYzC5tkyjVvRbA+jIlNwkSLDAPBgNVHRMBAf8EBTAD\n"
      + "AQH/MAoGCCqGSM49BAMCA0gAMEUCIQCrEhRp8TgvhLtuqxVHMsYCithuOB/vACy6\n"
      + "MDYJdhHoigIgdj/hZPSywU68IfksE8EGrLJRjQKfycy5W7uWbIlCF1M=\n"
      + "-----END CERTIFICATE-----\n";

  @Test
  void sec1EcKeyIsAccepted() throws Exception {
    Path key = tmp.resolve("sec1.key");
    Path cert = tmp.resolve("sec1.crt");
    Files.writeString(key, SEC1_KEY);
    Files.writeString(cert, SEC1_CERT);
    TlsConfig cfg = new TlsConfig(cert, key, null, false, false, null, List.of(), List.of(),
        List.of());
    EchoServer s = startServer(TlsContexts.serverContext(cfg, null, List.of()));
    TlsConfig insecure = new TlsConfig(null, null, cert, false, false, null, List.of(),
        List.of(), List.of());
    ClientResult r = connect(TlsContexts.clientContext(insecure), s.port());
    // the certificate has no SAN for localhost: host name verification refuses it
    assertThat(r.echo()).isNull();
    assertThat(TlsContexts.goStyleHandshakeError(r.handshakeError(), false))
        .startsWith("x509: certificate is not valid for the requested host name");
  }

  // ---------------------------------------------------------------- auto TLS

  @Test
  void autoTlsGeneratesOnceThenReuses() throws Exception {
    Path dir = tmp.resolve("data/fixtures/client");
    AutoTls.CertFiles first = AutoTls.ensure(dir, List.of("127.0.0.1:2379", "localhost:2379",
        "[::1]:2379", "node1.example"));
    byte[] certBytes = Files.readAllBytes(first.certFile());
    byte[] keyBytes = Files.readAllBytes(first.keyFile());
    AutoTls.CertFiles second = AutoTls.ensure(dir, List.of("other:1"));
    assertThat(second).isEqualTo(first);
    assertThat(first.certFile()).isEqualTo(dir.toAbsolutePath().resolve("cert.pem"));
    assertThat(first.keyFile()).isEqualTo(dir.toAbsolutePath().resolve("key.pem"));
    assertThat(Files.readAllBytes(second.certFile())).isEqualTo(certBytes);
    assertThat(Files.readAllBytes(second.keyFile())).isEqualTo(keyBytes);

    X509Certificate c = read(first.certFile());
    assertThat(c.getPublicKey().getAlgorithm()).isEqualTo("EC");
    assertThat(c.getSubjectX500Principal().getName()).isEqualTo("O=etcd");
    long days = (c.getNotAfter().getTime() - c.getNotBefore().getTime()) / 86_400_000L;
    assertThat(days).isEqualTo(365);
    List<String> sans = new ArrayList<>();
    c.getSubjectAlternativeNames().forEach(san -> sans.add(san.get(0) + ":" + san.get(1)));
    assertThat(sans).contains("7:127.0.0.1", "2:localhost", "2:node1.example")
        .anyMatch(x -> x.startsWith("7:0:0:0:0:0:0:0:1"));
  }

  @Test
  void autoTlsServesAndIgnoresClientCertAuth() throws Exception {
    Path dir = tmp.resolve("auto/fixtures/peer");
    TlsConfig cfg = new TlsConfig(null, null, certs.caCert(), true, true, null, List.of(),
        List.of(), List.of());
    EchoServer s = startServer(TlsContexts.serverContext(cfg, dir, List.of("127.0.0.1:0")));
    TlsConfig peerClient = new TlsConfig(null, null, null, false, true, null, List.of(),
        List.of(), List.of());
    ClientResult r = connect(TlsContexts.clientContext(peerClient,
        tmp.resolve("auto2/fixtures/peer"), List.of("127.0.0.1")), s.port());
    assertThat(r.echo()).isEqualTo("ping");
    assertThat(Files.exists(dir.resolve("cert.pem"))).isTrue();
  }

  // ---------------------------------------------------------------- file errors

  @Test
  void missingCertFileUsesGoWording() {
    Path missing = tmp.resolve("nope/server.crt");
    TlsConfig cfg = new TlsConfig(missing, certs.serverKey(), null, false, false, null, List.of(),
        List.of(), List.of());
    assertThatThrownBy(() -> TlsContexts.serverContext(cfg, null, List.of()))
        .isInstanceOfSatisfying(TlsException.class, e -> {
          assertThat(e.getMessage()).isEqualTo("open " + missing + ": no such file or directory");
          assertThat(e.field()).isEqualTo("cert-file");
          assertThat(e.path()).isEqualTo(missing);
          assertThat(e.describe(true)).startsWith("--peer-cert-file: open ");
        });
  }

  @Test
  void missingCaAndKeyFilesNameTheirFlag() {
    Path missing = tmp.resolve("nope/ca.crt");
    assertThatThrownBy(() -> TlsContexts.serverContext(server(missing, true), null, List.of()))
        .isInstanceOfSatisfying(TlsException.class, e -> {
          assertThat(e.getMessage()).isEqualTo("open " + missing + ": no such file or directory");
          assertThat(e.field()).isEqualTo("trusted-ca-file");
        });
    Path missingKey = tmp.resolve("nope/k.key");
    TlsConfig cfg = new TlsConfig(certs.serverCert(), missingKey, null, false, false, null,
        List.of(), List.of(), List.of());
    assertThatThrownBy(() -> TlsContexts.serverContext(cfg, null, List.of()))
        .isInstanceOfSatisfying(TlsException.class,
            e -> assertThat(e.field()).isEqualTo("key-file"));
  }

  @Test
  void garbagePemAndMismatchedKey() throws Exception {
    Path garbage = tmp.resolve("garbage.pem");
    Files.writeString(garbage, "this is not PEM\n");
    assertThatThrownBy(() -> TlsContexts.serverContext(new TlsConfig(garbage, certs.serverKey(),
        null, false, false, null, List.of(), List.of(), List.of()), null, List.of()))
        .hasMessage("tls: failed to find any PEM data in certificate input");
    assertThatThrownBy(() -> TlsContexts.serverContext(new TlsConfig(certs.serverCert(), garbage,
        null, false, false, null, List.of(), List.of(), List.of()), null, List.of()))
        .hasMessage("tls: failed to find any PEM data in key input");
    assertThatThrownBy(() -> TlsContexts.serverContext(new TlsConfig(certs.serverCert(),
        certs.serverCert(), null, false, false, null, List.of(), List.of(), List.of()), null,
        List.of()))
        .hasMessage("tls: found a certificate rather than a key in the PEM for the private key");
    // an EC client key with the RSA server certificate
    assertThatThrownBy(() -> TlsContexts.serverContext(new TlsConfig(certs.serverCert(),
        certs.clientKey(), null, false, false, null, List.of(), List.of(), List.of()), null,
        List.of()))
        .hasMessage("tls: private key type does not match public key type");
    // an RSA key that is not the certificate's
    TestCertificates.Certs second = TestCertificates.create(tmp.resolve("second"));
    assertThatThrownBy(() -> TlsContexts.serverContext(new TlsConfig(certs.serverCert(),
        second.serverKey(), null, false, false, null, List.of(), List.of(), List.of()), null,
        List.of()))
        .hasMessage("tls: private key does not match public key");
  }

  @Test
  void goStyleTextsForAlerts() {
    assertThat(TlsContexts.goStyleHandshakeError(
        new javax.net.ssl.SSLHandshakeException("Received fatal alert: bad_certificate")))
        .isEqualTo("remote error: tls: bad certificate");
    assertThat(TlsContexts.goStyleHandshakeError(
        new javax.net.ssl.SSLHandshakeException("Received fatal alert: certificate_required")))
        .isEqualTo("remote error: tls: certificate required");
    assertThat(TlsContexts.goStyleHandshakeError(new javax.net.ssl.SSLHandshakeException(
        "PKIX path building failed: unable to find valid certification path"), false))
        .isEqualTo("x509: certificate signed by unknown authority");
  }
}
