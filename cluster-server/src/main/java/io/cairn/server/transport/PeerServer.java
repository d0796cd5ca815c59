package io.cairn.server.transport;

import io.cairn.server.api.http.HttpListeners;
import io.cairn.server.api.http.HttpRouter;
import io.cairn.server.raft.Message;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.ssl.SslContext;
import java.net.URI;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The peer URLs' listeners: a connection that opens with Cairn's peer preface carries Raft
 * messages; anything else is HTTP/1.1 ({@code /version}, {@code /members}), as on etcd's peer
 * port.
 */
public final class PeerServer {
  private PeerServer() {}

  public static HttpListeners start(
      List<URI> urls,
      Supplier<SslContext> tls,
      HttpRouter http,
      long clusterId,
      Consumer<Message> deliver,
      CallHandler calls,
      TransportListener listener) {
    return start(urls, tls, http, clusterId, deliver, calls, null, listener);
  }

  /**
   * @param snapshotFiles where incoming snapshot images go (a new file each time); null refuses
   *     them
   */
  public static HttpListeners start(
      List<URI> urls,
      Supplier<SslContext> tls,
      HttpRouter http,
      long clusterId,
      Consumer<Message> deliver,
      CallHandler calls,
      Supplier<java.nio.file.Path> snapshotFiles,
      TransportListener listener) {
    return HttpListeners.start(
        urls, tls,
        p -> p.addLast("peer-sniff",
            new Sniffer(http, clusterId, deliver, calls, snapshotFiles, listener)));
  }

  /** Looks at the first bytes: the framed preface means Raft, anything else HTTP. */
  private static final class Sniffer extends ByteToMessageDecoder {
    private final HttpRouter http;
    private final long clusterId;
    private final Consumer<Message> deliver;
    private final CallHandler calls;
    private final Supplier<java.nio.file.Path> snapshotFiles;
    private final TransportListener listener;

    Sniffer(HttpRouter http, long clusterId, Consumer<Message> deliver, CallHandler calls,
        Supplier<java.nio.file.Path> snapshotFiles, TransportListener l) {
      this.http = http;
      this.clusterId = clusterId;
      this.deliver = deliver;
      this.calls = calls;
      this.snapshotFiles = snapshotFiles;
      this.listener = l;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
      int need = 4 + Frames.MAGIC.length;
      int have = Math.min(in.readableBytes(), need);
      // Bail out to HTTP as soon as a byte of the magic does not match.
      for (int i = 4; i < have; i++) {
        if (in.getByte(in.readerIndex() + i) != Frames.MAGIC[i - 4]) {
          HttpListeners.installHttp(ctx.pipeline(), http);
          ctx.pipeline().remove(this);
          return;
        }
      }
      if (have < need) {
        return;
      }
      ctx.pipeline().addLast(new LengthFieldBasedFrameDecoder(Frames.MAX_FRAME, 0, 4, 0, 4));
      ctx.pipeline().addLast(new PeerInbound(clusterId, deliver, calls, snapshotFiles, listener));
      ctx.pipeline().remove(this);
    }
  }
}
