package io.cairn.server.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.TimeUnit;

/**
 * The outgoing connection to one peer: connects (and reconnects with capped exponential
 * backoff), opens with the preface, sends frames, and pings once a second to measure the round
 * trip. Messages sent while disconnected, or while the socket is backed up, are dropped and
 * reported: Raft retransmits what matters, and a bounded loss beats an unbounded queue.
 */
final class PeerConnection {
  private static final org.slf4j.Logger log =
      org.slf4j.LoggerFactory.getLogger(PeerConnection.class);
  private static final long MIN_BACKOFF_MS = 50;
  private static final long MAX_BACKOFF_MS = 2_000;
  private static final long PING_MS = 1_000;

  private final long localId;
  private final long clusterId;
  private final long peer;
  private final InetSocketAddress address;
  private final EventLoopGroup group;
  private final SslContext tls;
  private final TransportListener listener;
  private volatile Channel channel;
  /** nanoTime when the current connection came up; 0 while disconnected. */
  private volatile long activeSince;
  private volatile boolean closed;
  private long backoffMs = MIN_BACKOFF_MS;
  private final java.util.Map<Long, CompletableFuture<byte[]>> calls =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final AtomicLong nextCall = new AtomicLong();

  PeerConnection(
      long localId,
      long clusterId,
      long peer,
      InetSocketAddress address,
      EventLoopGroup group,
      SslContext tls,
      TransportListener listener) {
    this.localId = localId;
    this.clusterId = clusterId;
    this.peer = peer;
    this.address = address;
    this.group = group;
    this.tls = tls;
    this.listener = listener;
  }

  void start() {
    connect();
  }

  /** nanoTime since when the connection has been up, or 0 when it is down. */
  long activeSince() {
    return isConnected() ? activeSince : 0;
  }

  boolean isConnected() {
    Channel c = channel;
    return c != null && c.isActive();
  }

  /** Sends one frame; false (and reported) when it had to be dropped. */
  boolean send(byte kind, byte[] payload) {
    return send(kind, payload, true);
  }

  /** Like {@link #send(byte, byte[])}; without {@code flush} the frame waits for {@link #flush}. */
  boolean send(byte kind, byte[] payload, boolean flush) {
    Channel c = channel;
    if (c == null || !c.isActive() || !c.isWritable()) {
      listener.sendFailed(peer);
      return false;
    }
    ByteBuf frame = c.alloc().buffer(5 + payload.length);
    frame.writeInt(payload.length + 1).writeByte(kind).writeBytes(payload);
    if (flush) {
      c.writeAndFlush(frame);
    } else {
      c.write(frame);
    }
    listener.sent(peer, payload.length + 5L);
    return true;
  }

  void flush() {
    Channel c = channel;
    if (c != null) {
      c.flush();
    }
  }

  /**
   * Calls {@code method} on the peer's member; fails with {@link PeerCallException} (the peer's
   * error text), or with an {@link java.io.IOException} when not connected or the connection
   * drops before the answer.
   */
  CompletableFuture<byte[]> call(String method, byte[] request, long timeoutMillis) {
    CompletableFuture<byte[]> f = new CompletableFuture<>();
    Channel c = channel;
    if (c == null || !c.isActive()) {
      f.completeExceptionally(new java.io.IOException("peer " + Long.toHexString(peer)
          + " is not connected"));
      return f;
    }
    long id = nextCall.incrementAndGet();
    calls.put(id, f);
    byte[] name = method.getBytes(StandardCharsets.US_ASCII);
    ByteBuf frame = c.alloc().buffer(14 + name.length + request.length);
    frame.writeInt(10 + name.length + request.length).writeByte(Frames.CALL).writeLong(id)
        .writeByte(name.length).writeBytes(name).writeBytes(request);
    c.writeAndFlush(frame);
    f.orTimeout(timeoutMillis, TimeUnit.MILLISECONDS).whenComplete((v, e) -> calls.remove(id));
    return f;
  }

  /**
   * Streams a snapshot image and then its Raft message over a connection of its own, so that
   * heartbeats and appends on the main connection are not stuck behind it. Blocking: call from a
   * background thread. Returns once the peer has the image on disk.
   */
  void streamSnapshot(byte[] message, java.nio.file.Path image, long timeoutMillis)
      throws Exception {
    CompletableFuture<Void> done = new CompletableFuture<>();
    Bootstrap b =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .option(io.netty.channel.ChannelOption.CONNECT_TIMEOUT_MILLIS, 3_000)
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    if (tls != null) {
                      ch.pipeline().addLast("tls",
                          tls.newHandler(ch.alloc(), address.getHostString(), address.getPort()));
                    }
                    ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(
                        Frames.MAX_FRAME, 0, 4, 0, 4));
                    ch.pipeline().addLast(new SimpleChannelInboundHandler<ByteBuf>() {
                      @Override
                      protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
                        if (frame.readByte() == Frames.SNAP_DONE) {
                          done.complete(null);
                        }
                      }

                      @Override
                      public void channelInactive(ChannelHandlerContext ctx) {
                        done.completeExceptionally(
                            new java.io.IOException("peer closed the snapshot connection"));
                      }
                    });
                  }
                });
    Channel c = b.connect(address).sync().channel();
    try {
      ByteBuf preface = c.alloc().buffer(4 + Frames.PREFACE_LENGTH);
      preface.writeInt(Frames.PREFACE_LENGTH).writeBytes(Frames.MAGIC)
          .writeLong(clusterId).writeLong(localId);
      c.writeAndFlush(preface).sync();
      byte[] chunk = new byte[1 << 20];
      try (java.io.InputStream in = java.nio.file.Files.newInputStream(image)) {
        int n;
        while ((n = in.readNBytes(chunk, 0, chunk.length)) > 0) {
          ByteBuf f = c.alloc().buffer(5 + n);
          f.writeInt(n + 1).writeByte(Frames.SNAP_CHUNK).writeBytes(chunk, 0, n);
          c.writeAndFlush(f).sync();
          listener.sent(peer, n + 5L);
        }
      }
      ByteBuf end = c.alloc().buffer(5 + message.length);
      end.writeInt(message.length + 1).writeByte(Frames.SNAP_END).writeBytes(message);
      c.writeAndFlush(end).sync();
      done.get(timeoutMillis, TimeUnit.MILLISECONDS);
    } finally {
      c.close();
    }
  }

  private void failCalls() {
    for (Long id : List.copyOf(calls.keySet())) {
      CompletableFuture<byte[]> f = calls.remove(id);
      if (f != null) {
        f.completeExceptionally(new java.io.IOException("connection to peer lost"));
      }
    }
  }

  private void connect() {
    if (closed) {
      return;
    }
    Bootstrap b =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .option(io.netty.channel.ChannelOption.TCP_NODELAY, true)
            .option(io.netty.channel.ChannelOption.CONNECT_TIMEOUT_MILLIS, 3_000)
            // Appends of a busy leader are large: netty's default 64 KiB mark would make the
            // channel "unwritable" after one of them, and this connection drops what it cannot
            // write. Drop only when far behind.
            .option(io.netty.channel.ChannelOption.WRITE_BUFFER_WATER_MARK,
                new io.netty.channel.WriteBufferWaterMark(16 << 20, 64 << 20))
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    if (tls != null) {
                      ch.pipeline().addLast("tls",
                          tls.newHandler(ch.alloc(), address.getHostString(), address.getPort()));
                    }
                    ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(
                        Frames.MAX_FRAME, 0, 4, 0, 4));
                    ch.pipeline().addLast(new PongReader());
                  }
                });
    ChannelFuture f = b.connect(address);
    f.addListener(
        done -> {
          if (!done.isSuccess()) {
            log.atDebug().addKeyValue("remote-peer-id", Long.toHexString(peer))
                .addKeyValue("address", address.toString())
                .log("peer connection failed: " + done.cause());
            retryLater();
            return;
          }
          Channel c = f.channel();
          log.atDebug().addKeyValue("remote-peer-id", Long.toHexString(peer))
              .log("peer connection established");
          backoffMs = MIN_BACKOFF_MS;
          activeSince = System.nanoTime() | 1;
          ByteBuf preface = c.alloc().buffer(4 + Frames.PREFACE_LENGTH);
          preface.writeInt(Frames.PREFACE_LENGTH).writeBytes(Frames.MAGIC)
              .writeLong(clusterId).writeLong(localId);
          c.writeAndFlush(preface);
          channel = c;
          listener.connected(peer);
          c.closeFuture().addListener(x -> {
            log.atDebug().addKeyValue("remote-peer-id", Long.toHexString(peer))
                .log("peer connection lost");
            channel = null;
            activeSince = 0;
            failCalls();
            listener.disconnected(peer);
            retryLater();
          });
          c.eventLoop().scheduleAtFixedRate(() -> ping(c), 0, PING_MS, TimeUnit.MILLISECONDS);
        });
  }

  private void ping(Channel c) {
    if (c.isActive()) {
      ByteBuf p = c.alloc().buffer(13).writeInt(9).writeByte(Frames.PING)
          .writeLong(System.nanoTime());
      c.writeAndFlush(p);
    }
  }

  private void retryLater() {
    if (closed) {
      log.atDebug().addKeyValue("remote-peer-id", Long.toHexString(peer))
          .log("peer connection closed for good");
      return;
    }
    long wait = backoffMs;
    backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
    group.schedule(this::connect, wait, TimeUnit.MILLISECONDS);
  }

  void close() {
    closed = true;
    failCalls();
    Channel c = channel;
    if (c != null) {
      c.close();
    }
  }

  /** Reads the peer's pong frames into round-trip times. */
  private final class PongReader extends SimpleChannelInboundHandler<ByteBuf> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
      byte kind = frame.readByte();
      if (kind == Frames.PONG && frame.readableBytes() >= 8) {
        listener.roundTrip(peer, System.nanoTime() - frame.readLong());
      } else if (kind == Frames.REPLY && frame.readableBytes() >= 9) {
        CompletableFuture<byte[]> f = calls.remove(frame.readLong());
        byte status = frame.readByte();
        byte[] body = new byte[frame.readableBytes()];
        frame.readBytes(body);
        if (f != null) {
          if (status == 0) {
            f.complete(body);
          } else {
            f.completeExceptionally(
                new PeerCallException(new String(body, StandardCharsets.UTF_8)));
          }
        }
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      log.atDebug().addKeyValue("remote-peer-id", Long.toHexString(peer)).setCause(cause)
          .log("peer connection failed; closing it");
      ctx.close();
    }
  }
}
