package io.cairn.server.api.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Plain HTTP/1.1 listeners (plaintext, or TLS for {@code https} URLs) that serve one {@link
 * HttpRouter}: the metrics URLs and the peer URLs use them. The client port has its own listener,
 * which also speaks gRPC.
 */
public final class HttpListeners implements AutoCloseable {
  private static final int MAX_REQUEST_BYTES = 64 * 1024;

  private final EventLoopGroup group;
  private final List<Channel> channels = new ArrayList<>();
  private final io.netty.channel.group.ChannelGroup accepted =
      new io.netty.channel.group.DefaultChannelGroup(
          io.netty.util.concurrent.GlobalEventExecutor.INSTANCE);
  private final List<InetSocketAddress> bound = new ArrayList<>();

  private HttpListeners(EventLoopGroup group) {
    this.group = group;
  }

  /**
   * Binds every URL. {@code tls} is asked once for the server TLS context when any URL is {@code
   * https}.
   *
   * @throws UncheckedIOException when an address cannot be bound (all are then closed)
   */
  public static HttpListeners start(List<URI> urls, HttpRouter router, Supplier<SslContext> tls) {
    return start(urls, tls, p -> installHttp(p, router));
  }

  /** Adds the HTTP/1.1 handlers serving {@code router} at the end of {@code p}. */
  public static void installHttp(ChannelPipeline p, HttpRouter router) {
    p.addLast("http-codec", new HttpServerCodec());
    p.addLast("http-aggregate", new HttpObjectAggregator(MAX_REQUEST_BYTES));
    p.addLast("http-router", router);
  }

  /**
   * Binds every URL; each accepted connection gets TLS for {@code https} URLs, then what {@code
   * install} adds.
   */
  public static HttpListeners start(
      List<URI> urls, Supplier<SslContext> tls, java.util.function.Consumer<ChannelPipeline> install) {
    HttpListeners l =
        new HttpListeners(new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory()));
    try {
      SslContext ssl = null;
      for (URI url : urls) {
        boolean secure = "https".equals(url.getScheme()) || "unixs".equals(url.getScheme());
        if (secure && ssl == null) {
          ssl = tls.get();
        }
        l.bind(address(url), secure ? ssl : null, install);
      }
    } catch (RuntimeException e) {
      l.close();
      throw e;
    }
    return l;
  }

  private void bind(
      InetSocketAddress addr, SslContext ssl, java.util.function.Consumer<ChannelPipeline> install) {
    ServerBootstrap b =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    accepted.add(ch);
                    ChannelPipeline p = ch.pipeline();
                    if (ssl != null) {
                      p.addLast("tls", ssl.newHandler(ch.alloc()));
                    }
                    install.accept(p);
                  }
                });
    Channel ch;
    try {
      ch = b.bind(addr).sync().channel();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while binding " + addr, e);
    } catch (Exception e) {
      throw new UncheckedIOException(
          "listen tcp " + addr.getHostString() + ":" + addr.getPort() + ": bind: "
              + e.getMessage(),
          e instanceof java.io.IOException io ? io : new java.io.IOException(e));
    }
    channels.add(ch);
    bound.add((InetSocketAddress) ch.localAddress());
  }

  /** The addresses actually bound, in the order of the URLs (port 0 resolved). */
  public List<InetSocketAddress> addresses() {
    return List.copyOf(bound);
  }

  /** The socket address a listen URL names; an empty host or 0.0.0.0 means every interface. */
  public static InetSocketAddress address(URI url) {
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
    for (Channel ch : channels) {
      ch.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    }
    // Connections already accepted outlive their listening socket: close them too.
    accepted.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
  }
}
