package io.cairn.server.api.port;

import io.grpc.Attributes;
import io.grpc.Grpc;
import io.grpc.InternalChannelz;
import io.grpc.SecurityLevel;
import io.grpc.internal.GrpcAttributes;
import io.grpc.netty.GrpcHttp2ConnectionHandler;
import io.grpc.netty.InternalProtocolNegotiationEvent;
import io.grpc.netty.ProtocolNegotiationEvent;
import io.cairn.server.tls.TlsContexts;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what a new connection speaks from its first bytes, installs the matching handlers and
 * steps aside (the bytes it looked at are passed on unchanged):
 *
 * <ul>
 *   <li>a TLS record (0x16): a TLS handler and, behind it, another sniffer for what runs inside;
 *   <li>the HTTP/2 connection preface ({@code PRI * HTTP/2.0}): gRPC;
 *   <li>anything else: HTTP/1.1.
 * </ul>
 *
 * <p>Over TLS, ALPN picks {@code http/1.1} when the client offers it (browsers, curl) and {@code
 * h2} otherwise (gRPC clients offer only {@code h2}), so the JSON gateway answers curl over TLS
 * while gRPC clients get HTTP/2.
 */
final class PortSniffer extends ByteToMessageDecoder {
  private static final Logger log = LoggerFactory.getLogger(PortSniffer.class);
  private static final byte TLS_HANDSHAKE = 0x16;
  private static final byte[] H2_PREFACE_START = "PRI ".getBytes(StandardCharsets.US_ASCII);

  private final GrpcHttp2ConnectionHandler grpcHandler;
  private final SslContext tls;
  private final boolean plaintext;
  private final HttpPipeline http;
  private final boolean insideTls;
  private ProtocolNegotiationEvent pne = InternalProtocolNegotiationEvent.getDefault();
  private SSLSession session;

  PortSniffer(
      GrpcHttp2ConnectionHandler grpcHandler, SslContext tls, boolean plaintext, HttpPipeline http) {
    this(grpcHandler, tls, plaintext, http, false);
  }

  private PortSniffer(
      GrpcHttp2ConnectionHandler grpcHandler,
      SslContext tls,
      boolean plaintext,
      HttpPipeline http,
      boolean insideTls) {
    this.grpcHandler = grpcHandler;
    this.tls = tls;
    this.plaintext = plaintext;
    this.http = http;
    this.insideTls = insideTls;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof ProtocolNegotiationEvent e) {
      pne = e;
    } else if (evt instanceof SslHandshakeCompletionEvent hs) {
      if (hs.isSuccess()) {
        session = ctx.pipeline().get(SslHandler.class).engine().getSession();
      } else {
        log.atWarn()
            .addKeyValue("remote-addr", String.valueOf(ctx.channel().remoteAddress()))
            .addKeyValue("error", TlsContexts.goStyleHandshakeError(hs.cause()))
            .log("rejected connection");
        ctx.close();
      }
    } else {
      super.userEventTriggered(ctx, evt);
    }
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (!in.isReadable()) {
      return;
    }
    byte first = in.getByte(in.readerIndex());
    if (!insideTls && first == TLS_HANDSHAKE) {
      if (tls == null) {
        ctx.close();
        return;
      }
      SslHandler ssl = tls.newHandler(ctx.alloc());
      preferHttp1WhenOffered(ssl.engine());
      PortSniffer inner = new PortSniffer(grpcHandler, tls, plaintext, http, true);
      inner.pne = pne;
      String sslName = ctx.name() + "-tls";
      ctx.pipeline().addAfter(ctx.name(), sslName, ssl);
      ctx.pipeline().addAfter(sslName, ctx.name() + "-inner", inner);
      ctx.pipeline().remove(this);
      return;
    }
    if (!insideTls && !plaintext) {
      log.atWarn()
          .addKeyValue("remote-addr", String.valueOf(ctx.channel().remoteAddress()))
          .addKeyValue("error", "tls: first record does not look like a TLS handshake")
          .log("rejected connection");
      ctx.close();
      return;
    }
    if (in.readableBytes() < H2_PREFACE_START.length) {
      return;
    }
    if (startsWith(in, H2_PREFACE_START)) {
      ProtocolNegotiationEvent done = negotiated(ctx);
      ctx.pipeline().addAfter(ctx.name(), null, grpcHandler);
      grpcHandler.handleProtocolNegotiationCompleted(
          InternalProtocolNegotiationEvent.getAttributes(done),
          InternalProtocolNegotiationEvent.getSecurity(done));
    } else {
      http.install(ctx.pipeline(), ctx.name(), insideTls);
    }
    ctx.pipeline().remove(this);
  }

  private ProtocolNegotiationEvent negotiated(ChannelHandlerContext ctx) {
    Attributes.Builder attrs =
        InternalProtocolNegotiationEvent.getAttributes(pne).toBuilder()
            .set(Grpc.TRANSPORT_ATTR_REMOTE_ADDR, ctx.channel().remoteAddress())
            .set(Grpc.TRANSPORT_ATTR_LOCAL_ADDR, ctx.channel().localAddress());
    ProtocolNegotiationEvent e;
    if (session != null) {
      attrs.set(Grpc.TRANSPORT_ATTR_SSL_SESSION, session)
          .set(GrpcAttributes.ATTR_SECURITY_LEVEL, SecurityLevel.PRIVACY_AND_INTEGRITY);
      e = InternalProtocolNegotiationEvent.withAttributes(pne, attrs.build());
      e = InternalProtocolNegotiationEvent.withSecurity(
          e, new InternalChannelz.Security(new InternalChannelz.Tls(session)));
    } else {
      attrs.set(GrpcAttributes.ATTR_SECURITY_LEVEL, SecurityLevel.NONE);
      e = InternalProtocolNegotiationEvent.withAttributes(pne, attrs.build());
    }
    return e;
  }

  private static void preferHttp1WhenOffered(SSLEngine engine) {
    engine.setHandshakeApplicationProtocolSelector(
        (eng, offered) -> {
          if (offered.contains("http/1.1")) {
            return "http/1.1";
          }
          return offered.contains("h2") ? "h2" : "";
        });
  }

  private static boolean startsWith(ByteBuf in, byte[] prefix) {
    for (int i = 0; i < prefix.length; i++) {
      if (in.getByte(in.readerIndex() + i) != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.atDebug()
        .addKeyValue("remote-addr", String.valueOf(ctx.channel().remoteAddress()))
        .addKeyValue("error", TlsContexts.goStyleHandshakeError(cause))
        .log("connection error before protocol was known");
    ctx.close();
  }
}
