package io.cairn.server.it;

import static io.cairn.server.testing.Clients.bytes;
import static io.cairn.server.testing.Clients.get;
import static io.cairn.server.testing.Clients.str;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cairn.server.testing.Clients;
import io.cairn.server.testing.JetcdMember;
import io.cairn.server.testing.MemberProcess;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.DeleteResponse;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Watches that start from a past revision when their keys' history is spread thinly over many
 * revisions of other keys: every change must arrive, once, in order, then live changes after it.
 * The expected events are what the writes' responses said they did.
 */
class JetcdWatchHistoryIT {
  private static final Duration WAIT = Duration.ofSeconds(90);

  private MemberProcess member;
  private Client client;
  private KV kv;
  private JetcdMember fixture;
  /** Every change made, as its response reported it (a delete's value is null). */
  private final List<Write> writes = Collections.synchronizedList(new ArrayList<>());

  private record Write(String key, String value, long revision) {}

  @BeforeEach
  void start(TestInfo info) {
    fixture = JetcdMember.start(info);
    member = fixture.member();
    client = fixture.client();
    kv = client.getKVClient();
  }

  @AfterEach
  void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  void oneKeyAmongManyWritesToOtherKeysFromRevisionOne() throws Exception {
    for (int i = 0; i < 200; i++) {
      put("k", "v" + i);
      List<String> others = new ArrayList<>();
      for (int j = 0; j < 50; j++) {
        others.add("o/" + (i * 50 + j) % 97);
      }
      putConcurrently(others, "x" + i);
    }
    Seen withPrev = watch("k", WatchOption.builder().withRevision(1).withPrevKV(true).build());
    Seen plain = watch("k", WatchOption.builder().withRevision(1).build());
    Seen fromMiddle = watch("k", WatchOption.builder().withRevision(5_000).withPrevKV(true).build());
    awaitDelivered(withPrev, k -> k.equals("k"), 1, true);
    awaitDelivered(plain, k -> k.equals("k"), 1, false);
    awaitDelivered(fromMiddle, k -> k.equals("k"), 5_000, true);
    assertThat(withPrev.events()).hasSize(200);

    // Then live, after the last of the history, and nothing twice.
    put("k", "live");
    awaitDelivered(withPrev, k -> k.equals("k"), 1, true);
    awaitDelivered(plain, k -> k.equals("k"), 1, false);
    assertThat(withPrev.events()).hasSize(201);
  }

  @Test
  void prefixWatchFromThePastAmongManyOtherWrites() throws Exception {
    for (int i = 0; i < 150; i++) {
      put("p/" + i % 10, "v" + i);
      if (i % 9 == 4) {
        delete("p/" + (i + 3) % 10);
      }
      List<String> others = new ArrayList<>();
      for (int j = 0; j < 40; j++) {
        others.add((j % 2 == 0 ? "q/" : "o") + j % 13); // around the prefix, never in it
      }
      putConcurrently(others, "x" + i);
    }
    padTo(0);
    for (int i = 0; i < 30; i++) {
      put("p/" + i % 10, "late" + i);
      if (i % 4 == 1) {
        delete("p/" + (i + 5) % 10);
      }
      put("q/" + i % 3, "late" + i);
    }
    padTo(0xc0);
    Predicate<String> inPrefix = k -> k.startsWith("p/");
    Seen all = watch("p/", WatchOption.builder().isPrefix(true).withRevision(1).withPrevKV(true).build());
    Seen late = watch("p/", WatchOption.builder().isPrefix(true).withRevision(3_000).build());
    awaitDelivered(all, inPrefix, 1, true);
    awaitDelivered(late, inPrefix, 3_000, false);
    assertThat(all.events()).hasSizeGreaterThan(150);
  }

  @Test
  void watchFromThePastContinuesLiveWhileWritesGoOn() throws Exception {
    for (int i = 0; i < 100; i++) {
      put("k", "v" + i);
      List<String> others = new ArrayList<>();
      for (int j = 0; j < 30; j++) {
        others.add("o/" + j % 11);
      }
      putConcurrently(others, "x" + i);
    }
    padTo(0);
    for (int i = 0; i < 20; i++) {
      put("k", "late" + i);
      put("o/" + i % 11, "late" + i);
    }
    padTo(0xc0);
    Seen key = watch("k", WatchOption.builder().withRevision(1).withPrevKV(true).build());
    Seen prefix = watch("o/", WatchOption.builder().isPrefix(true).withRevision(2).build());
    // Writes go on while the watchers are still catching up.
    for (int i = 0; i < 60; i++) {
      put("k", "w" + i);
      if (i % 7 == 3) {
        delete("k");
      }
      List<String> others = new ArrayList<>();
      for (int j = 0; j < 20; j++) {
        others.add("o/" + j % 11);
      }
      putConcurrently(others, "y" + i);
    }
    awaitDelivered(key, k -> k.equals("k"), 1, true);
    awaitDelivered(prefix, k -> k.startsWith("o/"), 2, false);
  }

  @Test
  void watchFromAFutureRevisionStartsThere() {
    for (int i = 0; i < 10; i++) {
      put("k", "v" + i);
    }
    long now = writes.get(writes.size() - 1).revision();
    Seen future = watch("k", WatchOption.builder().withRevision(now + 5).withPrevKV(true).build());
    Seen everything = watch("\0", WatchOption.builder().withRange(bytes("\0")).withRevision(now + 8).build());
    for (int i = 0; i < 12; i++) {
      put(i % 2 == 0 ? "k" : "j", "w" + i);
    }
    awaitDelivered(future, k -> k.equals("k"), now + 5, true);
    awaitDelivered(everything, k -> true, now + 8, false);
    assertThat(future.events().get(0).getKeyValue().getModRevision()).isEqualTo(now + 5);
  }

  // ---------------------------------------------------------------------------------------------

  /** What one watch received. */
  private static final class Seen {
    final List<WatchResponse> responses = new CopyOnWriteArrayList<>();
    final AtomicReference<Throwable> error = new AtomicReference<>();

    List<WatchEvent> events() {
      return responses.stream().flatMap(r -> r.getEvents().stream()).toList();
    }
  }

  private Seen watch(String key, WatchOption option) {
    Seen s = new Seen();
    fixture.track(client.getWatchClient().watch(bytes(key), option,
        Watch.listener(s.responses::add, s.error::set)));
    return s;
  }

  private void put(String key, String value) {
    long rev = get(kv.put(bytes(key), bytes(value))).getHeader().getRevision();
    writes.add(new Write(key, value, rev));
  }

  private void delete(String key) {
    DeleteResponse r = get(kv.delete(bytes(key)));
    if (r.getDeleted() > 0) {
      writes.add(new Write(key, null, r.getHeader().getRevision()));
    }
  }

  /**
   * Writes other keys until the current revision's low byte is {@code low}. Catch-up reads that
   * ended at a revision whose low byte has its top bit set once stopped at the first row of that
   * 256-revision block whose low byte has it clear: the tests put watched changes there.
   */
  private void padTo(int low) throws Exception {
    long rev;
    synchronized (writes) {
      rev = writes.stream().mapToLong(Write::revision).max().orElse(1);
    }
    int n = (int) Math.floorMod(low - rev, 256L);
    List<String> pad = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      pad.add("pad/" + i % 5);
    }
    putConcurrently(pad, "pad");
  }

  /** Puts every key in {@code keys}, several requests in flight at a time. */
  private void putConcurrently(List<String> keys, String value) throws Exception {
    Semaphore inFlight = new Semaphore(16);
    List<CompletableFuture<?>> all = new ArrayList<>();
    for (String k : keys) {
      inFlight.acquire();
      all.add(kv.put(bytes(k), bytes(value))
          .whenComplete((r, t) -> {
            if (r != null) {
              writes.add(new Write(k, value, r.getHeader().getRevision()));
            }
            inFlight.release();
          }));
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
  }

  /** Waits until {@code seen} holds exactly the changes to matching keys from {@code from} on. */
  private void awaitDelivered(Seen seen, Predicate<String> keys, long from, boolean prevKv) {
    List<String> want = expected(keys, from, prevKv);
    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(seen.error.get()).isNull();
      assertThat(seen.events().stream().map(JetcdWatchHistoryIT::describe).toList())
          .containsExactlyElementsOf(want);
    });
    // A revision's events come whole in one response, responses in revision order.
    long last = 0;
    for (WatchResponse r : seen.responses) {
      if (r.getEvents().isEmpty()) {
        continue;
      }
      long first = r.getEvents().get(0).getKeyValue().getModRevision();
      assertThat(first).as("revision split or repeated between responses").isGreaterThan(last);
      last = r.getEvents().get(r.getEvents().size() - 1).getKeyValue().getModRevision();
    }
  }

  private List<String> expected(Predicate<String> keys, long from, boolean prevKv) {
    List<Write> all;
    synchronized (writes) {
      all = new ArrayList<>(writes);
    }
    all.sort(Comparator.comparingLong(Write::revision));
    Map<String, Write> latest = new HashMap<>();
    List<String> out = new ArrayList<>();
    for (Write w : all) {
      Write before = latest.put(w.key(), w);
      if (w.revision() < from || !keys.test(w.key())) {
        continue;
      }
      String s = (w.value() == null ? "DELETE " : "PUT ") + w.key() + "@" + w.revision()
          + (w.value() == null ? "" : "=" + w.value());
      if (prevKv && before != null && before.value() != null) {
        s += " prev=" + before.value() + "@" + before.revision();
      }
      out.add(s);
    }
    return out;
  }

  private static String describe(WatchEvent e) {
    KeyValue kv = e.getKeyValue();
    boolean put = e.getEventType() == WatchEvent.EventType.PUT;
    String s = (put ? "PUT " : "DELETE ") + str(kv.getKey()) + "@" + kv.getModRevision()
        + (put ? "=" + str(kv.getValue()) : "");
    KeyValue prev = e.getPrevKV();
    if (prev != null && !prev.getKey().isEmpty()) {
      s += " prev=" + str(prev.getValue()) + "@" + prev.getModRevision();
    }
    return s;
  }
}
