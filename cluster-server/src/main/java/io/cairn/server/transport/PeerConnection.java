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
import java.util.concurrent.TimeUnit;

/**
 * The outgoing connection to one peer: connects (and reconnects with capped exponential
 * backoff), opens with the preface, sends frames, and pings once a second to measure the round
 * trip. Messages sent while disconnected, or while the socket is backed up, are dropped and
 * reported: Raft retransmits what matters, and a bounded loss beats an unbounded queue.
 */
final class PeerConnection {
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
  private volatile boolean closed;
  private long backoffMs = MIN_BACKOFF_MS;

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

  boolean isConnected() {
    Channel c = channel;
    return c != null && c.isActive();
  }

  /** Sends one frame; false (and reported) when it had to be dropped. */
  boolean send(byte kind, byte[] payload) {
    Channel c = channel;
    if (c == null || !c.isActive() || !c.isWritable()) {
      listener.sendFailed(peer);
      return false;
    }
    ByteBuf frame = c.alloc().buffer(5 + payload.length);
    frame.writeInt(payload.length + 1).writeByte(kind).writeBytes(payload);
    c.writeAndFlush(frame);
    listener.sent(peer, payload.length + 5L);
    return true;
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
            retryLater();
            return;
          }
          Channel c = f.channel();
          backoffMs = MIN_BACKOFF_MS;
          ByteBuf preface = c.alloc().buffer(4 + Frames.PREFACE_LENGTH);
          preface.writeInt(Frames.PREFACE_LENGTH).writeBytes(Frames.MAGIC)
              .writeLong(clusterId).writeLong(localId);
          c.writeAndFlush(preface);
          channel = c;
          listener.connected(peer);
          c.closeFuture().addListener(x -> {
            channel = null;
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
      return;
    }
    long wait = backoffMs;
    backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
    group.schedule(this::connect, wait, TimeUnit.MILLISECONDS);
  }

  void close() {
    closed = true;
    Channel c = channel;
    if (c != null) {
      c.close();
    }
  }

  /** Reads the peer's pong frames into round-trip times. */
  private final class PongReader extends SimpleChannelInboundHandler<ByteBuf> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
      if (frame.readByte() == Frames.PONG && frame.readableBytes() >= 8) {
        listener.roundTrip(peer, System.nanoTime() - frame.readLong());
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
