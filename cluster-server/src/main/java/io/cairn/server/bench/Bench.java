package io.cairn.server.bench;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A load generator for any etcd v3 endpoint (Cairn or etcd), like etcd's own {@code benchmark}
 * tool: a fixed number of requests with a bounded number in flight, over a few connections; it
 * prints throughput and latency percentiles.
 *
 * <pre>
 * bin/cairn bench put   --endpoints 127.0.0.1:2379 --conns 4 --clients 64 --total 20000
 *                       --key-size 8 --val-size 256 --key-space 100000
 * bin/cairn bench range --endpoints 127.0.0.1:2379 --consistency l|s --total 20000
 * </pre>
 */
public final class Bench {
  private Bench() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0 || Arrays.asList(args).contains("--help")) {
      System.out.println(
          "usage: bench put|range --endpoints host:port[,..] [--conns 4] [--clients 64]"
              + " [--total 20000] [--key-size 8] [--val-size 256] [--key-space 100000]"
              + " [--consistency l|s]");
      return;
    }
    String mode = args[0];
    String endpoints = opt(args, "--endpoints", "127.0.0.1:2379");
    int conns = Integer.parseInt(opt(args, "--conns", "4"));
    int clients = Integer.parseInt(opt(args, "--clients", "64"));
    int total = Integer.parseInt(opt(args, "--total", "20000"));
    int keySize = Integer.parseInt(opt(args, "--key-size", "8"));
    int valSize = Integer.parseInt(opt(args, "--val-size", "256"));
    int keySpace = Integer.parseInt(opt(args, "--key-space", "100000"));
    boolean serializable = opt(args, "--consistency", "l").equals("s");
    Result r = run(mode, endpoints, conns, clients, total, keySize, valSize, keySpace,
        serializable);
    System.out.println(r.summary());
  }

  /** The outcome of one run. Latencies in microseconds. */
  public record Result(String mode, int total, long errors, double seconds, long[] latenciesUs) {
    public double throughput() {
      return total / seconds;
    }

    public double percentileMs(double p) {
      if (latenciesUs.length == 0) {
        return 0;
      }
      int i = (int) Math.min(latenciesUs.length - 1, Math.ceil(p / 100 * latenciesUs.length) - 1);
      return latenciesUs[Math.max(0, i)] / 1000.0;
    }

    public String summary() {
      return String.format(
          Locale.ROOT,
          "%s: %d requests, %d errors, %.2f s, %.0f req/s, latency ms p50 %.2f p90 %.2f"
              + " p99 %.2f max %.2f",
          mode, total, errors, seconds, throughput(), percentileMs(50), percentileMs(90),
          percentileMs(99), percentileMs(100));
    }
  }

  public static Result run(String mode, String endpoints, int conns, int clients, int total,
      int keySize, int valSize, int keySpace, boolean serializable) throws InterruptedException {
    String[] eps = endpoints.split(",");
    List<ManagedChannel> channels = new ArrayList<>();
    for (int i = 0; i < conns; i++) {
      String ep = eps[i % eps.length].replaceFirst("^https?://", "");
      channels.add(NettyChannelBuilder.forTarget(ep).usePlaintext().build());
    }
    List<KVGrpc.KVFutureStub> stubs = new ArrayList<>();
    channels.forEach(c -> stubs.add(KVGrpc.newFutureStub(c)));
    ByteString value = ByteString.copyFrom(new byte[valSize]);
    Semaphore inFlight = new Semaphore(clients);
    CountDownLatch done = new CountDownLatch(total);
    long[] lat = new long[total];
    AtomicLong errors = new AtomicLong();
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(42);
    long start = System.nanoTime();
    for (int i = 0; i < total; i++) {
      inFlight.acquire();
      final int n = i;
      ByteString key = key(rnd.nextInt(keySpace), keySize);
      KVGrpc.KVFutureStub stub = stubs.get(i % stubs.size());
      long t0 = System.nanoTime();
      com.google.common.util.concurrent.ListenableFuture<?> f =
          mode.equals("range")
              ? stub.range(RangeRequest.newBuilder().setKey(key).setSerializable(serializable)
                  .build())
              : stub.put(PutRequest.newBuilder().setKey(key).setValue(value).build());
      f.addListener(
          () -> {
            lat[n] = (System.nanoTime() - t0) / 1000;
            try {
              f.get();
            } catch (Exception e) {
              errors.incrementAndGet();
            }
            inFlight.release();
            done.countDown();
          },
          Runnable::run);
    }
    done.await();
    double seconds = (System.nanoTime() - start) / 1e9;
    channels.forEach(c -> c.shutdownNow());
    for (ManagedChannel c : channels) {
      c.awaitTermination(5, TimeUnit.SECONDS);
    }
    Arrays.sort(lat);
    return new Result(mode, total, errors.get(), seconds, lat);
  }

  private static ByteString key(int i, int size) {
    String s = String.format(Locale.ROOT, "%0" + Math.max(1, size) + "d", i);
    return ByteString.copyFromUtf8(s.length() > size ? s.substring(s.length() - size) : s);
  }

  private static String opt(String[] args, String name, String dflt) {
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals(name)) {
        return args[i + 1];
      }
      if (args[i].startsWith(name + "=")) {
        return args[i].substring(name.length() + 1);
      }
    }
    if (args.length > 0 && args[args.length - 1].startsWith(name + "=")) {
      return args[args.length - 1].substring(name.length() + 1);
    }
    return dflt;
  }
}
