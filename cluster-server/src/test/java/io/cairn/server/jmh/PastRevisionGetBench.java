package io.cairn.server.jmh;

import io.cairn.server.testing.Clients;
import io.cairn.server.testing.MemberProcess;
import io.cairn.server.testing.ServerKind;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Single-key reads at past revisions over the network (not a test): starts a fresh Cairn member
 * and, for comparison, the reference etcd, writes one key {@code writes} times, then times {@code
 * writes} sequential gets at the latest revision and one get at each past revision, newest first
 * (what a console does when it walks a key's history), linearizable and then serializable. After
 * {@code warmup} unreported rounds (a JVM compiles its hot paths first), prints one line per
 * round, server and kind of read with the total and per-read latencies.
 *
 * <pre>
 * mvn -B -o -q -pl cluster-server package -DskipTests
 * cd cluster-server
 * mvn -B -o -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/tmp/cp.txt
 * java -cp target/test-classes:target/classes:$(cat /tmp/cp.txt) \
 *     io.cairn.server.jmh.PastRevisionGetBench [writes=1000] [warmup=1] [rounds=3] \
 *     [servers=cairn,etcd]
 * </pre>
 */
public final class PastRevisionGetBench {
  private PastRevisionGetBench() {}

  public static void main(String[] argv) throws Exception {
    int writes = 1000;
    int rounds = 3;
    int warmup = 1;
    String servers = "cairn,etcd";
    for (String a : argv) {
      String[] kv = a.replaceFirst("^--", "").split("=", 2);
      switch (kv[0]) {
        case "writes" -> writes = Integer.parseInt(kv[1]);
        case "rounds" -> rounds = Integer.parseInt(kv[1]);
        case "warmup" -> warmup = Integer.parseInt(kv[1]);
        case "servers" -> servers = kv[1];
        default -> throw new IllegalArgumentException("unknown argument " + a);
      }
    }
    for (String s : servers.split(",")) {
      ServerKind kind = ServerKind.valueOf(s.trim().toUpperCase(Locale.ROOT));
      run(kind, writes, warmup, rounds);
    }
    System.exit(0);
  }

  private static void run(ServerKind kind, int writes, int warmup, int rounds)
      throws Exception {
    try (MemberProcess member =
            MemberProcess.builder(kind).test("PastRevisionGetBench." + kind).startReady();
        Client client = Clients.jetcd(member)) {
      KV kv = client.getKVClient();
      ByteSequence key = bytes("history/key");
      long first = 0;
      long last = 0;
      for (int i = 0; i < writes; i++) {
        long rev = kv.put(key, bytes("value-" + i)).get(10, TimeUnit.SECONDS)
            .getHeader().getRevision();
        if (i == 0) {
          first = rev;
        }
        last = rev;
      }
      for (int round = 1 - warmup; round <= rounds; round++) {
        for (boolean serializable : new boolean[] {false, true}) {
          long[] latest = new long[writes];
          for (int i = 0; i < writes; i++) {
            long t0 = System.nanoTime();
            GetResponse r = kv.get(key, GetOption.builder().withSerializable(serializable).build())
                .get(10, TimeUnit.SECONDS);
            latest[i] = System.nanoTime() - t0;
            check(r, last, writes);
          }
          long[] past = new long[writes];
          for (int i = 0; i < writes; i++) {
            long rev = last - i;
            long t0 = System.nanoTime();
            GetResponse r = kv.get(key,
                GetOption.builder().withRevision(rev).withSerializable(serializable).build())
                .get(10, TimeUnit.SECONDS);
            past[i] = System.nanoTime() - t0;
            check(r, rev, (int) (rev - first + 1));
          }
          if (round <= 0) {
            continue;
          }
          String how = serializable ? "serializable" : "linearizable";
          report(kind, round, how, "latest", latest);
          report(kind, round, how, "past-revision", past);
        }
      }
    }
  }

  private static void check(GetResponse r, long modRevision, long version) {
    if (r.getKvs().size() != 1
        || r.getKvs().get(0).getModRevision() != modRevision
        || r.getKvs().get(0).getVersion() != version) {
      throw new IllegalStateException("unexpected read " + r.getKvs()
          + " wanted mod " + modRevision + " version " + version);
    }
  }

  private static void report(
      ServerKind kind, int round, String how, String what, long[] nanos) {
    long total = Arrays.stream(nanos).sum();
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    System.out.printf(Locale.ROOT,
        "%-5s round=%d %-12s %-13s n=%d total_s=%.3f mean_ms=%.3f p50_ms=%.3f p99_ms=%.3f max_ms=%.3f%n",
        kind.name().toLowerCase(Locale.ROOT), round, how, what, nanos.length, total / 1e9,
        total / 1e6 / nanos.length, sorted[sorted.length / 2] / 1e6,
        sorted[(int) (sorted.length * 0.99)] / 1e6, sorted[sorted.length - 1] / 1e6);
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }
}
