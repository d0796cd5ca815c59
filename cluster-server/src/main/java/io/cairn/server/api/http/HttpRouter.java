package io.cairn.server.api.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dispatches HTTP/1.1 requests on the client port by path. Routes are registered by the parts of
 * the member that own them (health, version, gateway, metrics); an unknown path gets Go's {@code
 * 404 page not found}, as etcd's muxer answers.
 */
@ChannelHandler.Sharable
public final class HttpRouter extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger log = LoggerFactory.getLogger(HttpRouter.class);
  private final Map<String, HttpRoute> routes = new ConcurrentHashMap<>();
  private final Map<String, HttpRoute> prefixRoutes = new java.util.concurrent.ConcurrentSkipListMap<>(
      java.util.Comparator.comparing(String::length).reversed().thenComparing(s -> s));

  public void add(String path, HttpRoute route) {
    routes.put(path, route);
  }

  /** A route for every path under {@code prefix} without a route of its own (longest first). */
  public void addPrefix(String prefix, HttpRoute route) {
    prefixRoutes.put(prefix, route);
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
    if (!req.decoderResult().isSuccess()) {
      send(ctx, req, text(HttpResponseStatus.BAD_REQUEST, "400 Bad Request\n"));
      return;
    }
    String path = new QueryStringDecoder(req.uri()).path();
    HttpRoute route = routes.get(path);
    if (route == null) {
      for (Map.Entry<String, HttpRoute> p : prefixRoutes.entrySet()) {
        if (path.startsWith(p.getKey())) {
          route = p.getValue();
          break;
        }
      }
    }
    if (route == null) {
      send(ctx, req, text(HttpResponseStatus.NOT_FOUND, "404 page not found\n"));
      return;
    }
    try {
      route.handle(ctx, req);
    } catch (Exception e) {
      log.warn("HTTP handler for {} failed", path, e);
      send(ctx, req, text(HttpResponseStatus.INTERNAL_SERVER_ERROR, e.getMessage() + "\n"));
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("HTTP connection error", cause);
    ctx.close();
  }

  public static FullHttpResponse text(HttpResponseStatus status, String body) {
    return response(status, "text/plain; charset=utf-8", body);
  }

  public static FullHttpResponse json(HttpResponseStatus status, String body) {
    return response(status, "application/json", body);
  }

  public static FullHttpResponse response(HttpResponseStatus status, String type, String body) {
    FullHttpResponse r =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, status,
            Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
    r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
    return r;
  }

  /** Writes a complete response, keeping the connection open when the client asked for it. */
  public static void send(ChannelHandlerContext ctx, FullHttpRequest req, FullHttpResponse resp) {
    boolean keepAlive = HttpUtil.isKeepAlive(req);
    HttpUtil.setKeepAlive(resp, keepAlive);
    var f = ctx.writeAndFlush(resp);
    if (!keepAlive) {
      f.addListener(ChannelFutureListener.CLOSE);
    }
  }
}
