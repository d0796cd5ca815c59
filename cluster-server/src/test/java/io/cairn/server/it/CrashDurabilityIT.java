package io.cairn.server.it;

import static io.cairn.server.testing.Clients.bytes;
import static io.cairn.server.testing.Clients.str;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.server.testing.Clients;
import io.cairn.server.testing.MemberProcess;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.PutResponse;
import io.etcd.jetcd.options.GetOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Crash safety: concurrent writers, SIGKILL at a random moment, restart on the same data dir, then
 * every acknowledged write must be there with exactly the acknowledged revision, every write in
 * flight at the crash must be either absent or complete, and the revision must never go back.
 *
 * <p>The schedule is seeded; the seed is printed and {@code -Dcrash.seed=N} replays it.
 * {@code -Dcrash.rounds=N} changes the number of rounds (default 20).
 */
class CrashDurabilityIT {
  private static final int WRITERS = 4;
  private static final int MAX_PUTS_PER_WRITER_AND_ROUND = 400;
  private static final Duration PUT_TIMEOUT = Duration.ofSeconds(5);

  private record Write(String value, long revision) {}

  @Test
  void acknowledgedWritesSurviveKill9(TestInfo info) throws Exception {
    long seed = Long.getLong("crash.seed", System.nanoTime());
    int rounds = Integer.getInteger("crash.rounds", 20);
    System.out.println("CrashDurabilityIT seed=" + seed + " rounds=" + rounds
        + " (replay with -Dcrash.seed=" + seed + ")");
    Random random = new Random(seed);

    Map<String, Write> durable = new ConcurrentHashMap<>(); // acknowledged, or seen after a crash
    Map<String, String> inFlight = new ConcurrentHashMap<>(); // sent, never acknowledged, not yet checked
    long[] nextSeq = new long[WRITERS];
    long lastRevision = 1;
    int inFlightSeenPresent = 0;
    int inFlightSeenAbsent = 0;

    try (MemberProcess member = MemberProcess.builder(info).startReady()) {
      for (int round = 1; round <= rounds; round++) {
        String ctx = "seed=" + seed + " round=" + round + ": ";
        long acknowledgedBefore = durable.size();

        // --- write concurrently, then kill -9 at a random moment
        Client client = Clients.jetcd(member);
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < WRITERS; t++) {
          int writer = t;
          int r = round;
          long valueSalt = random.nextLong();
          Thread thread = new Thread(() -> {
            KV kv = client.getKVClient();
            for (int n = 0; n < MAX_PUTS_PER_WRITER_AND_ROUND && !stop.get(); n++) {
              long seq = nextSeq[writer]++;
              String key = String.format("k/%d/%08d", writer, seq);
              String value = "r" + r + "-w" + writer + "-" + seq + "-" + Long.toHexString(valueSalt ^ seq);
              inFlight.put(key, value);
              try {
                PutResponse resp = kv.put(bytes(key), bytes(value))
                    .get(PUT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                durable.put(key, new Write(value, resp.getHeader().getRevision()));
                inFlight.remove(key);
              } catch (Exception e) {
                return; // the member is gone; this key stays "in flight"
              }
            }
          }, "crash-writer-" + t);
          writers.add(thread);
        }
        writers.forEach(Thread::start);
        // the crash comes at a random moment after the writers are under way
        long crashDelay = 10 + random.nextInt(300);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (durable.size() == acknowledgedBefore && System.nanoTime() < deadline && member.isAlive()) {
          Thread.sleep(5);
        }
        Thread.sleep(crashDelay);
        assertThat(member.kill9()).as(ctx + "exit status after SIGKILL").isEqualTo(137);
        stop.set(true);
        for (Thread w : writers) {
          w.join(TimeUnit.SECONDS.toMillis(30));
          assertThat(w.isAlive()).as(ctx + "writer %s finished", w.getName()).isFalse();
        }
        client.close();
        long maxAcked = durable.values().stream().mapToLong(Write::revision).max().orElse(1);

        // --- restart on the same data dir and verify
        member.restart().awaitReady();
        Client checker = Clients.jetcd(member);
        try {
          GetResponse all = checker.getKVClient()
              .get(bytes("k/"), GetOption.builder().isPrefix(true).build())
              .get(30, TimeUnit.SECONDS);
          Map<String, KeyValue> stored = new HashMap<>();
          for (KeyValue kv : all.getKvs()) {
            stored.put(str(kv.getKey()), kv);
          }
          for (Map.Entry<String, Write> e : durable.entrySet()) {
            KeyValue kv = stored.get(e.getKey());
            assertThat(kv).as(ctx + "acknowledged key %s (rev %d) is present", e.getKey(), e.getValue().revision())
                .isNotNull();
            assertThat(str(kv.getValue())).as(ctx + "value of %s", e.getKey()).isEqualTo(e.getValue().value());
            assertThat(kv.getModRevision()).as(ctx + "mod_revision of %s", e.getKey())
                .isEqualTo(e.getValue().revision());
            assertThat(kv.getCreateRevision()).as(ctx + "create_revision of %s", e.getKey())
                .isEqualTo(e.getValue().revision());
            assertThat(kv.getVersion()).as(ctx + "version of %s", e.getKey()).isEqualTo(1);
          }
          for (Map.Entry<String, String> e : Map.copyOf(inFlight).entrySet()) {
            KeyValue kv = stored.get(e.getKey());
            if (kv != null) {
              assertThat(str(kv.getValue())).as(ctx + "unacknowledged key %s is complete", e.getKey())
                  .isEqualTo(e.getValue());
              durable.put(e.getKey(), new Write(e.getValue(), kv.getModRevision()));
              inFlightSeenPresent++;
            } else {
              inFlightSeenAbsent++;
            }
            inFlight.remove(e.getKey());
          }
          assertThat(stored.keySet()).as(ctx + "no key that was never written (or was lost) appears")
              .allMatch(durable::containsKey);
          long revision = all.getHeader().getRevision();
          assertThat(revision).as(ctx + "store revision >= max acknowledged revision").isGreaterThanOrEqualTo(maxAcked);
          assertThat(revision).as(ctx + "store revision never goes back").isGreaterThanOrEqualTo(lastRevision);
          lastRevision = revision;
        } finally {
          checker.close();
        }
        System.out.printf("round %2d: %5d acknowledged+confirmed writes (+%d), revision %d%n",
            round, durable.size(), durable.size() - acknowledgedBefore, lastRevision);
      }
    }
    System.out.println("in-flight writes at crash: present after restart " + inFlightSeenPresent
        + ", absent " + inFlightSeenAbsent);
    assertThat(durable).as("the writers made progress").hasSizeGreaterThan(rounds);
  }
}
