package io.cairn.server.transport;

import io.cairn.server.raft.Message;
import io.cairn.server.raft.MessageCodec;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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
  private final CallHandler calls;
  /** The sender's member ID, once its preface arrived. Any long is a valid ID (half are negative). */
  private long remote;
  private boolean prefaceRead;

  private final java.util.function.Supplier<java.nio.file.Path> snapshotFiles;
  private java.nio.file.Path snapshotFile;
  private java.io.OutputStream snapshotOut;

  PeerInbound(long clusterId, Consumer<Message> deliver, CallHandler calls,
      java.util.function.Supplier<java.nio.file.Path> snapshotFiles, TransportListener listener) {
    this.snapshotFiles = snapshotFiles;
    this.clusterId = clusterId;
    this.deliver = deliver;
    this.calls = calls;
    this.listener = listener;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
    if (!prefaceRead) {
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
      case Frames.CALL -> call(ctx, frame);
      case Frames.SNAP_CHUNK -> snapshotChunk(ctx, frame);
      case Frames.SNAP_END -> snapshotEnd(ctx, frame);
      default -> {
        log.atWarn().addKeyValue("remote-peer-id", Long.toHexString(remote))
            .log("unknown peer frame kind " + kind + "; closing");
        ctx.close();
      }
    }
  }

  private void call(ChannelHandlerContext ctx, ByteBuf frame) {
    long id = frame.readLong();
    byte[] name = new byte[frame.readUnsignedByte()];
    frame.readBytes(name);
    byte[] request = new byte[frame.readableBytes()];
    frame.readBytes(request);
    long from = remote;
    CompletableFuture<byte[]> answer;
    try {
      answer = calls.handle(from, new String(name, StandardCharsets.US_ASCII), request);
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    answer.whenComplete(
        (body, err) -> {
          byte status = 0;
          byte[] out = body;
          if (err != null) {
            Throwable cause = err instanceof CompletionException && err.getCause() != null
                ? err.getCause() : err;
            status = 1;
            out = String.valueOf(cause.getMessage()).getBytes(StandardCharsets.UTF_8);
          }
          ByteBuf reply = ctx.alloc().buffer(14 + out.length);
          reply.writeInt(10 + out.length).writeByte(Frames.REPLY).writeLong(id).writeByte(status)
              .writeBytes(out);
          ctx.writeAndFlush(reply);
        });
  }

  private void snapshotChunk(ChannelHandlerContext ctx, ByteBuf frame) {
    if (snapshotFiles == null) {
      ctx.close();
      return;
    }
    try {
      if (snapshotOut == null) {
        snapshotFile = snapshotFiles.get();
        snapshotOut = new java.io.BufferedOutputStream(java.nio.file.Files.newOutputStream(
            snapshotFile), 1 << 20);
      }
      listener.received(remote, frame.readableBytes() + 5L);
      frame.readBytes(snapshotOut, frame.readableBytes());
    } catch (java.io.IOException e) {
      log.atWarn().addKeyValue("remote-peer-id", Long.toHexString(remote))
          .log("cannot store incoming snapshot: " + e.getMessage());
      dropSnapshot();
      ctx.close();
    }
  }

  private void snapshotEnd(ChannelHandlerContext ctx, ByteBuf frame) {
    byte[] data = new byte[frame.readableBytes()];
    frame.readBytes(data);
    try {
      if (snapshotOut == null) {
        throw new java.io.IOException("snapshot without data");
      }
      snapshotOut.close();
      snapshotOut = null;
      Message m = MessageCodec.decode(data);
      // The image stays on disk; the message names the file for the member to install from.
      byte[] path = snapshotFile.toString().getBytes(StandardCharsets.UTF_8);
      Message withFile = m.toBuilder().snapshot(
          new io.cairn.server.raft.Snapshot(m.snapshot().meta(), path)).build();
      snapshotFile = null;
      deliver.accept(withFile);
      ByteBuf done = ctx.alloc().buffer(5).writeInt(1).writeByte(Frames.SNAP_DONE);
      ctx.writeAndFlush(done);
    } catch (java.io.IOException | RuntimeException e) {
      log.atWarn().addKeyValue("remote-peer-id", Long.toHexString(remote))
          .log("cannot receive snapshot: " + e.getMessage());
      dropSnapshot();
      ctx.close();
    }
  }

  private void dropSnapshot() {
    try {
      if (snapshotOut != null) {
        snapshotOut.close();
      }
      if (snapshotFile != null) {
        java.nio.file.Files.deleteIfExists(snapshotFile);
      }
    } catch (java.io.IOException e) {
      log.atDebug().log("cannot remove partial snapshot: " + e.getMessage());
    }
    snapshotOut = null;
    snapshotFile = null;
  }

  private void readPreface(ChannelHandlerContext ctx, ByteBuf frame) {
    byte[] magic = new byte[Frames.MAGIC.length];
    if (frame.readableBytes() != Frames.PREFACE_LENGTH) {
      log.atDebug().log("bad peer preface; closing");
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
    prefaceRead = true;
    listener.connected(from);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    dropSnapshot();
    if (prefaceRead) {
      listener.disconnected(remote);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.atDebug().setCause(cause).log("peer connection failed");
    ctx.close();
  }
}
