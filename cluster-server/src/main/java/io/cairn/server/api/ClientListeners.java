package io.cairn.server.api;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
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
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client-facing listeners: one gRPC server per {@code --listen-client-urls} entry, all
 * serving the same services on shared event loops.
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
  public record Bound(URI url, InetSocketAddress address, boolean secure) {}

  /**
   * Binds every URL. {@code tlsFor} gives the TLS context for an {@code https} URL.
   *
   * @throws UncheckedIOException when an address cannot be bound
   */
  public void start(
      List<URI> urls,
      List<BindableService> services,
      Function<URI, SslContext> tlsFor,
      long maxRequestBytes,
      long maxConcurrentStreams) {
    for (URI url : urls) {
      boolean secure = "https".equals(url.getScheme()) || "unixs".equals(url.getScheme());
      InetSocketAddress addr = socketAddress(url);
      NettyServerBuilder b =
          NettyServerBuilder.forAddress(addr)
              .channelType(NioServerSocketChannel.class)
              .bossEventLoopGroup(boss)
              .workerEventLoopGroup(workers)
              .maxInboundMessageSize((int) Math.min(Integer.MAX_VALUE,
                  maxRequestBytes + GRPC_OVERHEAD_BYTES))
              .maxConcurrentCallsPerConnection(
                  (int) Math.min(Integer.MAX_VALUE, Math.max(1, maxConcurrentStreams)))
              .permitKeepAliveTime(5, TimeUnit.SECONDS)
              .permitKeepAliveWithoutCalls(true);
      if (secure) {
        b.sslContext(tlsFor.apply(url));
      }
      services.forEach(b::addService);
      Server s = b.build();
      try {
        s.start();
      } catch (IOException e) {
        throw new UncheckedIOException("listen tcp " + addr.getHostString() + ":"
            + addr.getPort() + ": bind: " + e.getMessage(), e);
      }
      servers.add(s);
      for (SocketAddress sa : s.getListenSockets()) {
        bound.add(new Bound(url, (InetSocketAddress) sa, secure));
      }
    }
  }

  public List<Bound> bound() {
    return List.copyOf(bound);
  }

  static InetSocketAddress socketAddress(URI url) {
    String host = url.getHost();
    int port = url.getPort() < 0 ? ("https".equals(url.getScheme()) ? 443 : 80) : url.getPort();
    if (host == null || host.isEmpty() || host.equals("0.0.0.0") || host.equals("[::]")) {
      return new InetSocketAddress(port);
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return new InetSocketAddress(host, port);
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
