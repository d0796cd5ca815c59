package io.cairn.server.transport;

import java.util.concurrent.CompletableFuture;

/**
 * Answers the calls peers make to this member (see {@link Frames#CALL}). A failed future's
 * message travels back as the error text, so handlers fail with etcd's error wording.
 */
@FunctionalInterface
public interface CallHandler {
  CompletableFuture<byte[]> handle(long from, String method, byte[] request);

  CallHandler NONE =
      (from, method, request) ->
          CompletableFuture.failedFuture(new IllegalStateException("no such call: " + method));
}
