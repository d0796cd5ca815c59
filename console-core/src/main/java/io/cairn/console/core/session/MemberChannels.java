package io.cairn.console.core.session;

import io.etcd.jetcd.api.AuthGrpc;
import io.etcd.jetcd.api.AuthenticateRequest;
import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.StatusRequest;
import io.etcd.jetcd.maintenance.StatusResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.netty.channel.ChannelOption;
import io.netty.handler.ssl.SslContext;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One gRPC channel per member URL for calls that must go to one particular member (Status,
 * Authenticate), each with a deadline. jetcd's own per-member calls open a new channel per call
 * and set no deadline, so a frozen member would pile up calls and channels; these stay bounded:
 * at most {@value #MAX_CHANNELS} channels, the least recently used closed first.
 */
final class MemberChannels implements AutoCloseable {
  static final int MAX_CHANNELS = 64;

  private final SslContext ssl;
  private final Map<String, ManagedChannel> channels = new LinkedHashMap<>(16, 0.75f, true);
  private boolean closed;

  MemberChannels(SslContext ssl) {
    this.ssl = ssl;
  }

  /** Maintenance Status of the member at {@code endpoint} ({@code http(s)://host:port}). */
  CompletableFuture<StatusResponse> status(String endpoint, Duration timeout) {
    CompletableFuture<io.etcd.jetcd.api.StatusResponse> result = new CompletableFuture<>();
    MaintenanceGrpc.newStub(channel(endpoint))
        .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .status(StatusRequest.getDefaultInstance(), completing(result));
    return result.thenApply(StatusResponse::new);
  }

  /** Completes normally when the member accepts the user and password. */
  CompletableFuture<Void> authenticate(String endpoint, byte[] user, byte[] password, Duration timeout) {
    CompletableFuture<io.etcd.jetcd.api.AuthenticateResponse> result = new CompletableFuture<>();
    AuthGrpc.newStub(channel(endpoint))
        .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .authenticate(AuthenticateRequest.newBuilder()
            .setNameBytes(com.google.protobuf.ByteString.copyFrom(user))
            .setPasswordBytes(com.google.protobuf.ByteString.copyFrom(password)).build(), completing(result));
    return result.thenApply(r -> null);
  }

  /** Lets a channel that failed try to connect again at once instead of after its backoff. */
  synchronized void resetBackoff(String endpoint) {
    ManagedChannel c = channels.get(endpoint);
    if (c != null) {
      c.resetConnectBackoff();
    }
  }

  private synchronized ManagedChannel channel(String endpoint) {
    if (closed) {
      throw new IllegalStateException("the session is closed");
    }
    ManagedChannel existing = channels.get(endpoint);
    if (existing != null) {
      return existing;
    }
    if (channels.size() >= MAX_CHANNELS) {
      String eldest = channels.keySet().iterator().next();
      channels.remove(eldest).shutdown();
    }
    URI uri = URI.create(endpoint);
    NettyChannelBuilder b = NettyChannelBuilder.forAddress(uri.getHost(), uri.getPort())
        .withOption(ChannelOption.CONNECT_TIMEOUT_MILLIS, 1500)
        .maxInboundMessageSize(1024 * 1024);
    if (endpoint.startsWith("https://")) {
      b.sslContext(ssl);
    } else {
      b.usePlaintext();
    }
    ManagedChannel c = b.build();
    channels.put(endpoint, c);
    return c;
  }

  private static <T> StreamObserver<T> completing(CompletableFuture<T> future) {
    return new StreamObserver<>() {
      @Override
      public void onNext(T value) {
        future.complete(value);
      }

      @Override
      public void onError(Throwable t) {
        future.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        future.completeExceptionally(new IllegalStateException("no answer"));
      }
    };
  }

  @Override
  public synchronized void close() {
    closed = true;
    channels.values().forEach(ManagedChannel::shutdownNow);
    channels.clear();
  }
}
