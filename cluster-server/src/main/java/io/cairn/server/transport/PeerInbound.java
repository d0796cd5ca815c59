package io.cairn.server.transport;

import io.cairn.server.raft.Message;
import io.cairn.server.raft.MessageCodec;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import java.util.Arrays;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receiving end of a peer connection, after the length-field frame decoder: checks the
 * preface (magic, cluster ID), then hands each Raft message to the member and answers pings.
 */
final class PeerInbound extends SimpleChannelInboundHandler<ByteBuf> {
  private static final Logger log = LoggerFactory.getLogger(PeerInbound.class);

  private final long clusterId;
  private final Consumer<Message> deliver;
  private final TransportListener listener;
  private long remote = -1;

  PeerInbound(long clusterId, Consumer<Message> deliver, TransportListener listener) {
    this.clusterId = clusterId;
    this.deliver = deliver;
    this.listener = listener;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
    if (remote < 0) {
      readPreface(ctx, frame);
      return;
    }
    byte kind = frame.readByte();
    switch (kind) {
      case Frames.MESSAGE -> {
        byte[] data = new byte[frame.readableBytes()];
        frame.readBytes(data);
        listener.received(remote, data.length + 5L);
        deliver.accept(MessageCodec.decode(data));
      }
      case Frames.PING -> {
        long sent = frame.readLong();
        ByteBuf pong = ctx.alloc().buffer(13).writeInt(9).writeByte(Frames.PONG).writeLong(sent);
        ctx.writeAndFlush(pong);
      }
      default -> {
        log.atWarn().addKeyValue("remote-peer-id", Long.toHexString(remote))
            .log("unknown peer frame kind " + kind + "; closing");
        ctx.close();
      }
    }
  }

  private void readPreface(ChannelHandlerContext ctx, ByteBuf frame) {
    byte[] magic = new byte[Frames.MAGIC.length];
    if (frame.readableBytes() != Frames.PREFACE_LENGTH - 0) {
      ctx.close();
      return;
    }
    frame.readBytes(magic);
    long cluster = frame.readLong();
    long from = frame.readLong();
    if (!Arrays.equals(magic, Frames.MAGIC)) {
      ctx.close();
      return;
    }
    if (cluster != clusterId) {
      log.atWarn()
          .addKeyValue("remote-peer-id", Long.toHexString(from))
          .addKeyValue("remote-peer-cluster-id", Long.toHexString(cluster))
          .addKeyValue("local-member-cluster-id", Long.toHexString(clusterId))
          .log("request cluster ID mismatch; refused peer connection");
      ctx.close();
      return;
    }
    remote = from;
    listener.connected(from);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (remote >= 0) {
      listener.disconnected(remote);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.atDebug().setCause(cause).log("peer connection failed");
    ctx.close();
  }
}
