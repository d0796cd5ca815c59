package io.cairn.server.api.port;

import io.netty.channel.ChannelPipeline;

/** Installs the HTTP/1.1 handlers on a connection that the port sniffer found speaks HTTP/1.x. */
@FunctionalInterface
public interface HttpPipeline {
  /**
   * Adds the HTTP handlers after {@code afterName} in {@code pipeline}.
   *
   * @param secure whether the connection runs over TLS
   */
  void install(ChannelPipeline pipeline, String afterName, boolean secure);
}
