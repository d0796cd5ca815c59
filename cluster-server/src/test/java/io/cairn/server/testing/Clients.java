package io.cairn.server.testing;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Client helpers: jetcd clients, raw gRPC channels and small conversions. */
public final class Clients {
  static {
    QuietLogging.install();
  }

  private Clients() {}

  /** A jetcd client for {@code member}'s client URL. */
  public static Client jetcd(MemberProcess member) {
    return Client.builder()
        .endpoints(member.clientUrl())
        .connectTimeout(Duration.ofSeconds(5))
        .maxInboundMessageSize(64 * 1024 * 1024)
        .build();
  }

  /** A plaintext gRPC channel to {@code member}, for requests jetcd cannot express. */
  public static ManagedChannel channel(MemberProcess member) {
    return NettyChannelBuilder.forAddress("127.0.0.1", member.clientPort())
        .usePlaintext()
        .maxInboundMessageSize(64 * 1024 * 1024)
        .build();
  }

  /** Shuts a channel down and waits briefly. */
  public static void close(ManagedChannel channel) {
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  public static String str(ByteSequence b) {
    return b.toString(StandardCharsets.UTF_8);
  }

  /** Waits (10 s) for a future and unwraps {@link ExecutionException}. */
  public static <T> T get(CompletableFuture<T> future) {
    try {
      return future.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException re) {
        throw re;
      }
      if (c instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(c);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (TimeoutException e) {
      throw new AssertionError("request did not complete within 10 s", e);
    }
  }

  /** Waits for a future that must fail; returns the cause. */
  public static Throwable failure(CompletableFuture<?> future) {
    try {
      Object v = future.get(10, TimeUnit.SECONDS);
      throw new AssertionError("expected the request to fail, but it returned " + v);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (TimeoutException e) {
      throw new AssertionError("request did not complete within 10 s", e);
    }
  }
}
