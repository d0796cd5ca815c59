package io.cairn.server.api;

import io.grpc.BindableService;
import io.grpc.ServerInterceptor;
import io.grpc.Server;
import io.cairn.server.api.http.HttpListeners;
import io.cairn.server.api.http.HttpRouter;
import io.cairn.server.api.port.HttpPipeline;
import io.cairn.server.api.port.PortNegotiator;
import io.grpc.netty.InternalNettyServerCredentials;
import io.grpc.netty.NettyServerBuilder;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client-facing listeners: one server per distinct address in {@code --listen-client-urls},
 * each serving gRPC and HTTP/1.1 on the same port (see {@link PortNegotiator}), all on shared
 * event loops.
 */
public final class ClientListeners implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ClientListeners.class);
  /** etcd lets a gRPC message exceed max-request-bytes by this much before gRPC refuses it. */
  private static final int GRPC_OVERHEAD_BYTES = 512 * 1024;

  private final EventLoopGroup boss = new NioEventLoopGroup(1);
  private final EventLoopGroup workers = new NioEventLoopGroup();
  private final List<Server> servers = new ArrayList<>();
  private final List<Bound> bound = new ArrayList<>();

  /** One listener after binding: its URL as given and the address it actually bound. */
  public record Bound(URI url, InetSocketAddress address, boolean secure, boolean plaintext) {}

  /**
   * Binds every URL; URLs with the same host and port share one listener that accepts both
   * plaintext and TLS when both schemes are listed, as etcd does. {@code tls} supplies the server
   * TLS context when any URL is {@code https}.
   *
   * @throws UncheckedIOException when an address cannot be bound
   */
  public void start(
      List<URI> urls,
      List<BindableService> services,
      Supplier<SslContext> tls,
      HttpRouter http,
      ServerInterceptor interceptor,
      long maxRequestBytes,
      long maxConcurrentStreams) {
    Map<String, List<URI>> byAddress = new LinkedHashMap<>();
    for (URI url : urls) {
      byAddress.computeIfAbsent(url.getHost() + ":" + url.getPort(), k -> new ArrayList<>())
          .add(url);
    }
    SslContext ssl = null;
    for (List<URI> group : byAddress.values()) {
      boolean secure = group.stream().anyMatch(ClientListeners::isSecure);
      boolean plain = group.stream().anyMatch(u -> !isSecure(u));
      if (secure && ssl == null) {
        ssl = tls.get();
      }
      int maxMessage = (int) Math.min(Integer.MAX_VALUE, maxRequestBytes + GRPC_OVERHEAD_BYTES);
      HttpPipeline httpPipeline =
          (pipeline, after, overTls) -> {
            pipeline.addAfter(after, "http-codec", new HttpServerCodec());
            pipeline.addAfter("http-codec", "http-aggregate", new HttpObjectAggregator(maxMessage));
            pipeline.addAfter("http-aggregate", "http-router", http);
          };
      URI url = group.get(0);
      InetSocketAddress addr = HttpListeners.address(url);
      NettyServerBuilder b =
          NettyServerBuilder.forAddress(
                  addr,
                  InternalNettyServerCredentials.create(
                      new PortNegotiator(secure ? ssl : null, plain, httpPipeline)))
              .channelType(NioServerSocketChannel.class)
              .bossEventLoopGroup(boss)
              .workerEventLoopGroup(workers)
              .maxInboundMessageSize(maxMessage)
              .maxConcurrentCallsPerConnection(
                  (int) Math.min(Integer.MAX_VALUE, Math.max(1, maxConcurrentStreams)))
              .permitKeepAliveTime(5, TimeUnit.SECONDS)
              .permitKeepAliveWithoutCalls(true)
              // HTTP/1.1 connections never finish gRPC's handshake; they must not be cut by it.
              .handshakeTimeout(365, TimeUnit.DAYS);
      services.forEach(b::addService);
      b.intercept(interceptor);
      Server s = b.build();
      try {
        s.start();
      } catch (IOException e) {
        throw new UncheckedIOException("listen tcp " + addr.getHostString() + ":"
            + addr.getPort() + ": bind: " + rootMessage(e), e);
      }
      servers.add(s);
      for (SocketAddress sa : s.getListenSockets()) {
        bound.add(new Bound(url, (InetSocketAddress) sa, secure, plain));
      }
    }
  }

  private static boolean isSecure(URI u) {
    return "https".equals(u.getScheme()) || "unixs".equals(u.getScheme());
  }

  private static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null) {
      c = c.getCause();
    }
    String m = c.getMessage();
    return m != null && m.equals("Address already in use") ? "address already in use" : m;
  }

  public List<Bound> bound() {
    return List.copyOf(bound);
  }

  @Override
  public void close() {
    for (Server s : servers) {
      s.shutdown();
    }
    for (Server s : servers) {
      try {
        if (!s.awaitTermination(3, TimeUnit.SECONDS)) {
          s.shutdownNow();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        s.shutdownNow();
      }
    }
    boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    log.debug("client listeners closed");
  }
}
