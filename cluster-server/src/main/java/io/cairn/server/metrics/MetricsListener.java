package io.cairn.server.metrics;

import io.cairn.server.api.http.HttpListeners;
import io.cairn.server.api.http.HttpRouter;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The listeners of {@code --listen-metrics-urls}: {@code /metrics} and {@code /health} only, as
 * etcd serves them there.
 */
public final class MetricsListener implements AutoCloseable {
  private final HttpListeners listeners;

  private MetricsListener(HttpListeners listeners) {
    this.listeners = listeners;
  }

  public static MetricsListener start(
      List<URI> urls, EtcdMetrics metrics, BooleanSupplier healthy, Supplier<SslContext> tls) {
    HttpRouter router = new HttpRouter();
    MetricsEndpoint.register(router, metrics);
    MetricsEndpoint.registerHealth(router, metrics, healthy);
    return new MetricsListener(HttpListeners.start(urls, router, tls));
  }

  /** The addresses actually bound, in the order of the URLs (port 0 resolved). */
  public List<InetSocketAddress> addresses() {
    return listeners.addresses();
  }

  @Override
  public void close() {
    listeners.close();
  }
}
