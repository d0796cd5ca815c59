package io.cairn.server.api.port;

import io.grpc.netty.GrpcHttp2ConnectionHandler;
import io.grpc.netty.InternalProtocolNegotiator;
import io.netty.channel.ChannelHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.AsciiString;

/**
 * Lets one client port serve what etcd serves on it: gRPC (HTTP/2) and HTTP/1.1 (JSON gateway,
 * metrics, health), in plaintext, over TLS, or both when both schemes are listed for the same
 * address. Plugged into gRPC's Netty server as its protocol negotiator: each new connection starts
 * with a {@link PortSniffer} that looks at the first bytes and installs the right handlers.
 */
public final class PortNegotiator implements InternalProtocolNegotiator.ProtocolNegotiator {
  private final SslContext tls;
  private final boolean plaintext;
  private final HttpPipeline http;

  /**
   * @param tls the server TLS context, or null when the port serves no TLS
   * @param plaintext whether plaintext connections are accepted
   * @param http installs the HTTP/1.1 handlers
   */
  public PortNegotiator(SslContext tls, boolean plaintext, HttpPipeline http) {
    if (tls == null && !plaintext) {
      throw new IllegalArgumentException("a port must accept plaintext or TLS");
    }
    this.tls = tls;
    this.plaintext = plaintext;
    this.http = http;
  }

  @Override
  public AsciiString scheme() {
    return tls != null && !plaintext ? AsciiString.of("https") : AsciiString.of("http");
  }

  @Override
  public ChannelHandler newHandler(GrpcHttp2ConnectionHandler grpcHandler) {
    return new PortSniffer(grpcHandler, tls, plaintext, http);
  }

  @Override
  public void close() {}
}
