package io.cairn.server.api.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;

/**
 * One HTTP endpoint on the client port. A route writes its response itself, so that streaming
 * endpoints (watch) can keep the connection and write chunks over time.
 */
@FunctionalInterface
public interface HttpRoute {
  void handle(ChannelHandlerContext ctx, FullHttpRequest request) throws Exception;
}
