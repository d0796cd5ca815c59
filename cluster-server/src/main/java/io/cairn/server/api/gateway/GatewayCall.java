package io.cairn.server.api.gateway;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP request served by an in-process gRPC call: the request body, the call's {@link Context}
 * (carrying {@link Gateway#AUTH_TOKEN}, cancelled when the client goes away or the call ends), a
 * serial lane on which the service is invoked (never the connection's event loop), and the writers
 * of the HTTP answer (a complete response, or a chunked stream).
 */
final class GatewayCall {
  private static final Logger log = LoggerFactory.getLogger(GatewayCall.class);
  private static final AtomicInteger THREADS = new AtomicInteger();
  private static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "gateway-call-" + THREADS.incrementAndGet());
    t.setDaemon(true);
    return t;
  });

  final ChannelHandlerContext ctx;
  final boolean keepAlive;
  final String body;
  final String authorization;
  final Context.CancellableContext context;

  private final Queue<Runnable> lane = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean laneBusy = new AtomicBoolean();
  private final AtomicBoolean ended = new AtomicBoolean();
  private final ChannelFutureListener closeListener = f -> clientGone();
  private volatile boolean cancelled;
  private volatile Runnable onCancel;
  private StreamObserver<?> openRequests;
  private boolean gone;

  private GatewayCall(ChannelHandlerContext ctx, FullHttpRequest req) {
    this.ctx = ctx;
    this.keepAlive = HttpUtil.isKeepAlive(req);
    this.body = req.content().toString(StandardCharsets.UTF_8);
    this.authorization = req.headers().get(HttpHeaderNames.AUTHORIZATION);
    this.context = Context.ROOT.withValue(Gateway.AUTH_TOKEN, authorization).withCancellation();
  }

  /** Starts serving {@code req}; answers 405 itself (and returns null) unless it is a POST. */
  static GatewayCall open(ChannelHandlerContext ctx, FullHttpRequest req) {
    if (!"POST".equals(req.method().name())) {
      FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
          HttpResponseStatus.METHOD_NOT_ALLOWED,
          Unpooled.copiedBuffer("Method Not Allowed\n", StandardCharsets.UTF_8));
      r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
      r.headers().set("X-Content-Type-Options", "nosniff");
      r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
      boolean keepAlive = HttpUtil.isKeepAlive(req);
      HttpUtil.setKeepAlive(r, keepAlive);
      var f = ctx.writeAndFlush(r);
      if (!keepAlive) {
        f.addListener(ChannelFutureListener.CLOSE);
      }
      return null;
    }
    GatewayCall call = new GatewayCall(ctx, req);
    ctx.channel().closeFuture().addListener(call.closeListener);
    return call;
  }

  /**
   * Runs {@code task} (a service invocation or a request message delivery) in the call's context,
   * after every earlier task of this call. An exception from the service fails the call the way
   * gRPC does ({@code Unknown}).
   */
  void run(Runnable task, StreamObserver<?> out) {
    lane.add(() -> {
      try {
        context.run(task);
      } catch (RuntimeException | Error e) {
        log.warn("gateway call failed", e);
        out.onError(Status.UNKNOWN.withDescription("Application error processing RPC")
            .withCause(e).asRuntimeException());
      }
    });
    drain();
  }

  private void drain() {
    if (!laneBusy.compareAndSet(false, true)) {
      return;
    }
    POOL.execute(() -> {
      try {
        Runnable r;
        while ((r = lane.poll()) != null) {
          r.run();
        }
      } finally {
        laneBusy.set(false);
      }
      if (!lane.isEmpty()) {
        drain();
      }
    });
  }

  boolean isCancelled() {
    return cancelled;
  }

  void setOnCancel(Runnable r) {
    onCancel = r;
  }

  /**
   * Completes {@code requests} (the service's request observer) when the client disconnects; at
   * once if it already has.
   */
  void completeWhenGone(StreamObserver<?> requests) {
    boolean now;
    synchronized (this) {
      now = gone;
      if (!now) {
        openRequests = requests;
      }
    }
    if (now) {
      run(requests::onCompleted, requests);
    }
  }

  private void clientGone() {
    if (ended.get()) {
      return;
    }
    cancelled = true;
    Runnable r = onCancel;
    if (r != null) {
      try {
        r.run();
      } catch (RuntimeException e) {
        log.debug("cancel handler failed", e);
      }
    }
    context.cancel(Status.CANCELLED.withDescription("client disconnected").asRuntimeException());
    StreamObserver<?> requests;
    synchronized (this) {
      gone = true;
      requests = openRequests;
      openRequests = null;
    }
    if (requests != null) {
      run(requests::onCompleted, requests);
    }
  }

  // ---------------------------------------------------------------- writers

  /** A complete 200 answer. */
  void writeOk(String json) {
    FullHttpResponse r = full(HttpResponseStatus.OK, json);
    r.headers().set("Grpc-Metadata-Content-Type", "application/grpc");
    writeFinal(r);
  }

  /** A complete error answer for {@code status}. */
  void writeError(Status status) {
    writeFinal(full(GatewayErrors.responseStatus(status), GatewayErrors.body(status)));
  }

  /** The head of a chunked 200 answer. */
  void writeHead() {
    HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
    r.headers().set("Grpc-Metadata-Content-Type", "application/grpc");
    r.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    HttpUtil.setKeepAlive(r, keepAlive);
    ctx.writeAndFlush(r);
  }

  void writeChunk(String text) {
    if (ended.get() || !ctx.channel().isActive()) {
      return;
    }
    ctx.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8)));
  }

  /** Ends a chunked answer. */
  void writeEnd() {
    if (!end()) {
      return;
    }
    var f = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
    if (!keepAlive) {
      f.addListener(ChannelFutureListener.CLOSE);
    }
  }

  private void writeFinal(FullHttpResponse r) {
    if (!end()) {
      return;
    }
    HttpUtil.setKeepAlive(r, keepAlive);
    var f = ctx.writeAndFlush(r);
    if (!keepAlive) {
      f.addListener(ChannelFutureListener.CLOSE);
    }
  }

  private boolean end() {
    if (!ended.compareAndSet(false, true)) {
      return false;
    }
    ctx.channel().closeFuture().removeListener(closeListener);
    context.cancel(null);
    return true;
  }

  private static FullHttpResponse full(HttpResponseStatus status, String json) {
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        Unpooled.copiedBuffer(json, StandardCharsets.UTF_8));
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
    r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
    return r;
  }
}
