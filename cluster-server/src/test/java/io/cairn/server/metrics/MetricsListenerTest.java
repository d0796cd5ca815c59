package io.cairn.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.server.testing.TestCertificates;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsListenerTest {
  private final EtcdMetrics metrics = new EtcdMetrics("3.5.17");
  private final AtomicBoolean healthy = new AtomicBoolean(true);
  private MetricsListener listener;

  @AfterEach
  void stop() {
    if (listener != null) {
      listener.close();
    }
    metrics.close();
  }

  private static HttpResponse<String> get(HttpClient client, String url) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesMetricsAndHealthOverPlainHttp() throws Exception {
    listener =
        MetricsListener.start(
            List.of(URI.create("http://127.0.0.1:0")), metrics, healthy::get,
            () -> {
              throw new AssertionError("no TLS for http URLs");
            });
    InetSocketAddress addr = listener.addresses().get(0);
    assertThat(addr.getPort()).isPositive();
    String base = "http://127.0.0.1:" + addr.getPort();
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    HttpResponse<String> m = get(client, base + "/metrics");
    assertThat(m.statusCode()).isEqualTo(200);
    assertThat(m.headers().firstValue("content-type"))
        .hasValue("text/plain; version=0.0.4; charset=utf-8");
    assertThat(m.body()).contains("# TYPE etcd_server_has_leader gauge\n");

    HttpResponse<String> h = get(client, base + "/health");
    assertThat(h.statusCode()).isEqualTo(200);
    assertThat(h.body()).isEqualTo("{\"health\":\"true\"}");
    healthy.set(false);
    HttpResponse<String> u = get(client, base + "/health");
    assertThat(u.statusCode()).isEqualTo(503);
    assertThat(u.body()).isEqualTo("{\"health\":\"false\"}");

    assertThat(get(client, base + "/metrics").body())
        .contains("etcd_server_health_success 1\n", "etcd_server_health_failures 1\n");
    HttpResponse<String> nf = get(client, base + "/v3/kv/range");
    assertThat(nf.statusCode()).isEqualTo(404);
  }

  @Test
  void servesOverTlsForHttpsUrls(@TempDir Path dir) throws Exception {
    TestCertificates.Certs certs = TestCertificates.create(dir);
    listener =
        MetricsListener.start(
            List.of(URI.create("https://127.0.0.1:0")), metrics, healthy::get,
            () -> {
              try {
                return SslContextBuilder.forServer(
                        certs.serverCert().toFile(), certs.serverKey().toFile())
                    .build();
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    int port = listener.addresses().get(0).getPort();
    HttpClient client =
        HttpClient.newBuilder()
            .sslContext(trusting(certs.caCert()))
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    HttpResponse<String> m = get(client, "https://127.0.0.1:" + port + "/metrics");
    assertThat(m.statusCode()).isEqualTo(200);
    assertThat(m.body()).contains("etcd_disk_wal_fsync_duration_seconds_bucket{le=\"8.192\"} 0");
  }

  private static SSLContext trusting(Path caCert) throws Exception {
    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
    ks.load(null, null);
    try (InputStream in = Files.newInputStream(caCert)) {
      ks.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }
}
