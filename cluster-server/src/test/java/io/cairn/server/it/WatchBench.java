package io.cairn.server.it;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Watch fan-out measurement (not a test): connects to running members, opens {@code watchers}
 * prefix watchers, writes {@code keys} keys under the prefix with {@code concurrency} puts in
 * flight, and prints one line with the events per second delivered to all watchers together and
 * the put-to-delivery delay percentiles. Each value carries the {@link System#nanoTime()} of its
 * put, so the delay is measured within this JVM.
 *
 * <pre>
 * cd cluster-server
 * mvn -B -o -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/tmp/cp.txt
 * java -cp target/test-classes:target/classes:$(cat /tmp/cp.txt) io.cairn.server.it.WatchBench \
 *     --endpoints=http://127.0.0.1:2379 [--keys=20000] [--concurrency=64] [--watchers=100] \
 *     [--watch-clients=1] [--value-size=64] [--timeout-s=300] [--cleanup=true]
 * </pre>
 *
 * <p>Output: {@code watchers=.. keys=.. concurrency=.. events=<received>/<expected>
 * elapsed_s=.. events_per_s=.. puts_per_s=.. delay_ms p50=.. p90=.. p99=.. p999=.. max=..}.
 * {@code elapsed_s} runs from the first put to the last event received by any watcher.
 */
public final class WatchBench {
  private WatchBench() {}

  public static void main(String[] argv) throws Exception {
    Map<String, String> args = parse(argv);
    String endpoints = required(args, "endpoints");
    int keys = Integer.parseInt(args.getOrDefault("keys", "20000"));
    int concurrency = Integer.parseInt(args.getOrDefault("concurrency", "64"));
    int watcherCount = Integer.parseInt(args.getOrDefault("watchers", "100"));
    int watchClients = Integer.parseInt(args.getOrDefault("watch-clients", "1"));
    int valueSize = Math.max(8, Integer.parseInt(args.getOrDefault("value-size", "64")));
    long timeoutNanos = TimeUnit.SECONDS.toNanos(Long.parseLong(args.getOrDefault("timeout-s", "300")));
    boolean cleanup = Boolean.parseBoolean(args.getOrDefault("cleanup", "true"));
    String prefix = args.getOrDefault("prefix", "watchbench/" + Long.toHexString(System.nanoTime()) + "/");
    String[] urls = Arrays.stream(endpoints.split(","))
        .map(e -> e.contains("://") ? e : "http://" + e).toArray(String[]::new);

    List<Client> clients = new ArrayList<>();
    Client writer = client(urls);
    clients.add(writer);
    for (int i = 0; i < watchClients; i++) {
      clients.add(client(urls));
    }
    long expected = (long) keys * watcherCount;
    AtomicLong received = new AtomicLong();
    AtomicLong lastReceive = new AtomicLong();
    AtomicReference<Throwable> watchError = new AtomicReference<>();
    CountDownLatch created = new CountDownLatch(watcherCount);
    CountDownLatch done = new CountDownLatch(1);
    long[][] delays = new long[watcherCount][];
    int[] counts = new int[watcherCount];
    List<Watch.Watcher> watchers = new ArrayList<>();
    ByteSequence prefixBytes = ByteSequence.from(prefix, StandardCharsets.UTF_8);
    try {
      for (int w = 0; w < watcherCount; w++) {
        final int idx = w;
        delays[w] = new long[keys];
        Client c = clients.get(1 + w % watchClients);
        WatchOption opt = WatchOption.builder().isPrefix(true).withCreateNotify(true).withNoDelete(true).build();
        watchers.add(c.getWatchClient().watch(prefixBytes, opt, Watch.listener(r -> {
          if (r.isCreatedNotify()) {
            created.countDown();
          }
          long now = System.nanoTime();
          synchronized (delays[idx]) {
            for (WatchEvent e : r.getEvents()) {
              if (e.getEventType() != WatchEvent.EventType.PUT) {
                continue;
              }
              long sent = ByteBuffer.wrap(e.getKeyValue().getValue().getBytes()).getLong();
              if (counts[idx] < keys) {
                delays[idx][counts[idx]++] = now - sent;
              }
              lastReceive.accumulateAndGet(now, Math::max);
              if (received.incrementAndGet() == expected) {
                done.countDown();
              }
            }
          }
        }, watchError::set)));
      }
      if (!created.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("only " + (watcherCount - created.getCount()) + " of " + watcherCount
            + " watchers were created within 60 s");
      }

      KV kv = writer.getKVClient();
      Semaphore inFlight = new Semaphore(concurrency);
      AtomicReference<Throwable> putError = new AtomicReference<>();
      List<CompletableFuture<?>> puts = new ArrayList<>(keys);
      long start = System.nanoTime();
      for (int i = 0; i < keys && putError.get() == null; i++) {
        inFlight.acquire();
        byte[] value = new byte[valueSize];
        ByteBuffer.wrap(value).putLong(System.nanoTime());
        puts.add(kv.put(ByteSequence.from(String.format("%s%08d", prefix, i), StandardCharsets.UTF_8),
                ByteSequence.from(value))
            .whenComplete((r, t) -> {
              if (t != null) {
                putError.compareAndSet(null, t);
              }
              inFlight.release();
            }));
      }
      CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new)).get(timeoutNanos, TimeUnit.NANOSECONDS);
      long putsDone = System.nanoTime();
      if (putError.get() != null) {
        throw new IllegalStateException("a put failed", putError.get());
      }
      long remaining = timeoutNanos - (putsDone - start);
      boolean complete = done.await(Math.max(remaining, 0), TimeUnit.NANOSECONDS);
      long end = complete ? lastReceive.get() : System.nanoTime();

      long total = received.get();
      List<Long> all = new ArrayList<>();
      for (int w = 0; w < watcherCount; w++) {
        synchronized (delays[w]) {
          for (int j = 0; j < counts[w]; j++) {
            all.add(delays[w][j]);
          }
        }
      }
      long[] sorted = all.stream().mapToLong(Long::longValue).sorted().toArray();
      double elapsed = (end - start) / 1e9;
      System.out.println(String.format(Locale.ROOT,
          "watchers=%d keys=%d concurrency=%d events=%d/%d%s elapsed_s=%.3f events_per_s=%.0f puts_per_s=%.0f"
              + " delay_ms p50=%.2f p90=%.2f p99=%.2f p999=%.2f max=%.2f%s",
          watcherCount, keys, concurrency, total, expected, complete ? "" : " INCOMPLETE", elapsed,
          total / elapsed, keys / ((putsDone - start) / 1e9),
          pct(sorted, 0.50), pct(sorted, 0.90), pct(sorted, 0.99), pct(sorted, 0.999),
          sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1e6,
          watchError.get() == null ? "" : " watch_error=" + watchError.get()));
    } finally {
      watchers.forEach(Watch.Watcher::close);
      if (cleanup) {
        try {
          writer.getKVClient().delete(prefixBytes, DeleteOption.builder().isPrefix(true).build())
              .get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
          System.err.println("cleanup of " + prefix + " failed: " + e);
        }
      }
      clients.forEach(Client::close);
    }
    System.exit(0);
  }

  private static Client client(String[] urls) {
    return Client.builder().endpoints(urls).connectTimeout(Duration.ofSeconds(5))
        .maxInboundMessageSize(64 * 1024 * 1024).build();
  }

  private static double pct(long[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int i = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
    return sorted[Math.max(i, 0)] / 1e6;
  }

  private static Map<String, String> parse(String[] argv) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < argv.length; i++) {
      String a = argv[i];
      if (!a.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument " + a);
      }
      int eq = a.indexOf('=');
      if (eq > 0) {
        out.put(a.substring(2, eq), a.substring(eq + 1));
      } else if (i + 1 < argv.length) {
        out.put(a.substring(2), argv[++i]);
      } else {
        throw new IllegalArgumentException(a + " needs a value");
      }
    }
    return out;
  }

  private static String required(Map<String, String> args, String name) {
    String v = args.get(name);
    if (v == null || v.isBlank()) {
      System.err.println("usage: WatchBench --endpoints=http://127.0.0.1:2379[,...] [--keys=20000]"
          + " [--concurrency=64] [--watchers=100] [--watch-clients=1] [--value-size=64] [--timeout-s=300]");
      System.exit(2);
    }
    return v;
  }
}
