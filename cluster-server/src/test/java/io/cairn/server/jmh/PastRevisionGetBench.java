package io.cairn.server.jmh;

import io.cairn.server.testing.Clients;
import io.cairn.server.testing.ClusterProcesses;
import io.cairn.server.testing.MemberProcess;
import io.cairn.server.testing.ServerKind;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.TestInfo;

/**
 * Single-key reads at past revisions over the network (not a test): starts a fresh Cairn member
 * and, for comparison, the reference etcd, writes one key {@code writes} times, then times {@code
 * writes} sequential gets at the latest revision and one get at each past revision, newest first
 * (what a console does when it walks a key's history), linearizable and then serializable. After
 * {@code warmup} unreported rounds (a JVM compiles its hot paths first), prints one line per
 * round, server and kind of read with the total and per-read latencies. With {@code members=3}
 * each server runs as a cluster of three and the reads go through a follower.
 *
 * <pre>
 * mvn -B -o -q -pl cluster-server package -DskipTests
 * cd cluster-server
 * mvn -B -o -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/tmp/cp.txt
 * java -cp target/test-classes:target/classes:$(cat /tmp/cp.txt) \
 *     io.cairn.server.jmh.PastRevisionGetBench [writes=1000] [warmup=1] [rounds=3] \
 *     [servers=cairn,etcd] [members=1]
 * </pre>
 */
public final class PastRevisionGetBench {
  private PastRevisionGetBench() {}

  public static void main(String[] argv) throws Exception {
    int writes = 1000;
    int rounds = 3;
    int warmup = 1;
    String servers = "cairn,etcd";
    int members = 1;
    for (String a : argv) {
      String[] kv = a.replaceFirst("^--", "").split("=", 2);
      switch (kv[0]) {
        case "writes" -> writes = Integer.parseInt(kv[1]);
        case "rounds" -> rounds = Integer.parseInt(kv[1]);
        case "warmup" -> warmup = Integer.parseInt(kv[1]);
        case "servers" -> servers = kv[1];
        case "members" -> members = Integer.parseInt(kv[1]);
        default -> throw new IllegalArgumentException("unknown argument " + a);
      }
    }
    for (String s : servers.split(",")) {
      ServerKind kind = ServerKind.valueOf(s.trim().toUpperCase(Locale.ROOT));
      run(kind, members, writes, warmup, rounds);
    }
    System.exit(0);
  }

  private static void run(ServerKind kind, int members, int writes, int warmup, int rounds)
      throws Exception {
    if (members == 1) {
      try (MemberProcess member =
              MemberProcess.builder(kind).test("PastRevisionGetBench." + kind).startReady();
          Client client = Clients.jetcd(member)) {
        run(kind, client, writes, warmup, rounds);
      }
      return;
    }
    try (ClusterProcesses cluster = ClusterProcesses.start(testInfo(kind), kind, members)) {
      MemberProcess leader = cluster.leader().orElseThrow();
      MemberProcess follower =
          cluster.members().stream().filter(m -> m != leader).findFirst().orElseThrow();
      System.out.printf(Locale.ROOT, "%s: %d members, reading through follower %s%n",
          kind.name().toLowerCase(Locale.ROOT), members, follower.name());
      try (Client client = Clients.jetcd(follower)) {
        run(kind, client, writes, warmup, rounds);
      }
    }
  }

  private static void run(ServerKind kind, Client client, int writes, int warmup, int rounds)
      throws Exception {
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

  private static TestInfo testInfo(ServerKind kind) {
    return new TestInfo() {
      @Override
      public String getDisplayName() {
        return kind.name();
      }

      @Override
      public Set<String> getTags() {
        return Set.of();
      }

      @Override
      public Optional<Class<?>> getTestClass() {
        return Optional.of(PastRevisionGetBench.class);
      }

      @Override
      public Optional<Method> getTestMethod() {
        return Optional.empty();
      }
    };
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
