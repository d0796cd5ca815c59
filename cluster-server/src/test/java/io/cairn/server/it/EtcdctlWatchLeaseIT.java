package io.cairn.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cairn.server.testing.Differential;
import io.cairn.server.testing.Etcdctl;
import io.cairn.server.testing.Json;
import io.cairn.server.testing.LiveProcess;
import io.cairn.server.testing.MemberProcess;
import io.cairn.server.testing.Outputs;
import io.cairn.server.testing.ProcessResult;
import io.cairn.server.testing.Processes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * {@code etcdctl watch} and {@code etcdctl lease} against the member under test and, for the same
 * sequence of commands, against a reference etcd. Watch outputs are compared where etcd's are
 * deterministic; lease ids (which each server picks freely) and remaining TTLs are masked.
 */
class EtcdctlWatchLeaseIT {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final Pattern LEASE_HEX = Pattern.compile("\\b[0-9a-f]{16}\\b");
  private static final Pattern REMAINING = Pattern.compile("remaining\\((-?\\d+)s\\)");

  private Differential d;
  /** The id of the reference's most recent lease granted through {@link #leaseSame}. */
  private String lastGrant;

  @BeforeEach
  void startPair(TestInfo info) {
    d = Differential.start(info);
  }

  @AfterEach
  void stopPair() {
    if (d != null) {
      d.close();
    }
  }

  /** Both members, reference first. */
  private List<MemberProcess> both() {
    return List.of(d.reference(), d.subject());
  }

  @Test
  void watchOnAKeySeesPutsDeletesAndTxnWrites() {
    String expected = "PUT\nw/k\nv1\nPUT\nw/k\nv2\nDELETE\nw/k\n\nPUT\nw/k\nfrom-txn\n";
    List<String> outputs = new ArrayList<>();
    for (MemberProcess m : both()) {
      outputs.add(watch(m, 1, ctl -> {
        ctl.ok("put", "w/k", "v1");
        ctl.ok("put", "w/other", "not-watched");
        ctl.ok("put", "w/k", "v2");
        ctl.ok("del", "w/k");
        ctl.withStdin("\nput w/k from-txn\nput w/j also-in-txn\n\n\n").ok("txn");
      }, out -> out.endsWith("from-txn\n"), "watch", "w/k"));
    }
    assertThat(outputs.get(0)).as("reference").isEqualTo(expected);
    assertThat(outputs.get(1)).as("subject").isEqualTo(expected);
  }

  @Test
  void prefixWatchDeliversATxnAsOneResponseWithOneRevision() {
    List<String> outputs = new ArrayList<>();
    for (MemberProcess m : both()) {
      String out = watch(m, 1, ctl -> {
        ctl.ok("put", "p/a", "1"); // 2
        ctl.ok("put", "q/a", "outside"); // 3
        ctl.withStdin("\nput p/b 2\nput p/c 3\ndel p/a\nput q/b outside\n\n\n").ok("txn"); // 4
        ctl.ok("del", "p/", "--prefix"); // 5
      }, o -> o.lines().count() >= 3, "watch", "p/", "--prefix", "-w", "json");
      outputs.add(Outputs.normaliseJson(out, false));
      List<Object> responses = Json.parseAll(out);
      assertThat(responses).as(out).hasSize(3);
      List<?> txnEvents = (List<?>) ((Map<?, ?>) responses.get(1)).get("Events");
      assertThat(txnEvents).as(out).hasSize(3);
      assertThat(txnEvents).allSatisfy(e ->
          assertThat(((Map<?, ?>) ((Map<?, ?>) e).get("kv")).get("mod_revision")).hasToString("4"));
      assertThat(((Map<?, ?>) ((Map<?, ?>) responses.get(1)).get("Header")).get("revision")).hasToString("4");
      List<?> deletes = (List<?>) ((Map<?, ?>) responses.get(2)).get("Events");
      assertThat(deletes).hasSize(2);
    }
    assertThat(outputs.get(1)).isEqualTo(outputs.get(0));
  }

  @Test
  void watchFromARevisionReplaysHistoryThenGoesLiveWithPrevKv() {
    String expected = "PUT\nh/b\n2\n" // rev 3
        + "DELETE\nh/a\n1\nh/a\n\n" // rev 4, prev kv h/a=1
        + "PUT\nh/a\n3\n" // rev 5, no prev kv (was deleted)
        + "PUT\nh/b\n2\nh/b\n22\n"; // live, rev 6, prev kv h/b=2
    List<String> outputs = new ArrayList<>();
    for (MemberProcess m : both()) {
      Etcdctl ctl = Etcdctl.of(m);
      ctl.ok("put", "h/a", "1"); // 2
      ctl.ok("put", "h/b", "2"); // 3
      ctl.ok("del", "h/a"); // 4
      ctl.ok("put", "h/a", "3"); // 5
      try (LiveProcess w = LiveProcess.etcdctl(m, "watch", "h/", "--prefix", "--rev", "3", "--prev-kv")) {
        w.awaitStdout(o -> o.endsWith("PUT\nh/a\n3\n"), WAIT);
        ctl.ok("put", "h/b", "22");
        outputs.add(w.awaitStdout(o -> o.endsWith("h/b\n22\n"), WAIT));
      }
    }
    assertThat(outputs.get(0)).as("reference").isEqualTo(expected);
    assertThat(outputs.get(1)).as("subject").isEqualTo(expected);
  }

  /**
   * etcd sends a watcher that starts in the past its whole backlog in one response whose header
   * carries the store's current revision (watchableStore.syncWatchers); the JSON that etcdctl
   * prints therefore has one line for the replay.
   */
  @Test
  void replayedHistoryArrivesAsEtcdBatchesIt() {
    List<String> outputs = new ArrayList<>();
    for (MemberProcess m : both()) {
      Etcdctl ctl = Etcdctl.of(m);
      ctl.ok("put", "r/a", "1"); // 2
      ctl.ok("put", "r/b", "2"); // 3
      ctl.ok("del", "r/a"); // 4
      ctl.withStdin("\nput r/c 3\nput r/d 4\n\n\n").ok("txn"); // 5
      try (LiveProcess w = LiveProcess.etcdctl(m, "watch", "r/", "--prefix", "--rev", "2", "-w", "json")) {
        String out = w.awaitStdout(o -> eventCount(o) >= 5, WAIT);
        outputs.add(Outputs.normaliseJson(out, false));
      }
    }
    assertThat(outputs.get(0)).as("reference: one response").hasLineCount(1);
    assertThat(outputs.get(1)).as("subject vs reference").isEqualTo(outputs.get(0));
  }

  @Test
  void interactiveWatchReadsWatchLinesFromStdin() {
    List<String> outputs = new ArrayList<>();
    List<Integer> exits = new ArrayList<>();
    for (MemberProcess m : both()) {
      Etcdctl ctl = Etcdctl.of(m);
      try (LiveProcess w = LiveProcess.etcdctl(m, "watch", "-i")) {
        w.write("watch i/a\n");
        awaitWatchers(m, 1);
        w.write("watch j/ --prefix\n");
        awaitWatchers(m, 2);
        ctl.ok("put", "i/a", "1");
        w.awaitStdout(o -> o.endsWith("i/a\n1\n"), WAIT);
        ctl.ok("put", "j/x", "2");
        w.awaitStdout(o -> o.endsWith("j/x\n2\n"), WAIT);
        ctl.ok("put", "i/b", "not-watched");
        ctl.ok("del", "i/a");
        w.awaitStdout(o -> o.endsWith("DELETE\ni/a\n\n"), WAIT);
        ctl.ok("del", "j/", "--prefix");
        w.awaitStdout(o -> o.endsWith("DELETE\nj/x\n\n"), WAIT);
        w.closeStdin();
        exits.add(w.awaitExit(WAIT));
        outputs.add(w.stdout());
        assertThat(Outputs.stripClientLogs(w.stderr())).contains("Error reading watch request line: EOF");
      }
    }
    assertThat(outputs.get(0)).isEqualTo("PUT\ni/a\n1\nPUT\nj/x\n2\nDELETE\ni/a\n\nDELETE\nj/x\n\n");
    assertThat(outputs.get(1)).isEqualTo(outputs.get(0));
    assertThat(exits.get(1)).isEqualTo(exits.get(0));
  }

  @Test
  void leaseGrantTimeToLiveListKeepAliveRevoke() {
    // etcd raises a TTL below its minimum (1.5 election timeouts, rounded up) to 2 s
    assertThat(leaseSame("lease", "grant", "1").stdout()).matches("lease [0-9a-f]{16} granted with TTL\\(2s\\)\n");
    ProcessResult granted = leaseSame("lease", "grant", "30");
    assertThat(granted.stdout()).matches("lease [0-9a-f]{16} granted with TTL\\(30s\\)\n");
    String subId = granted.stdout().split(" ")[1];
    String refId = lastGrant;

    sameWithLease(refId, subId, "put", "--lease=%s", "l/a", "1");
    sameWithLease(refId, subId, "put", "l/b", "2", "--lease", "%s");
    ProcessResult ttl = sameWithLease(refId, subId, "lease", "timetolive", "%s");
    assertThat(ttl.stdout()).matches("lease [0-9a-f]{16} granted with TTL\\(30s\\), remaining\\(\\d+s\\)\n");
    ProcessResult keys = sameWithLease(refId, subId, "lease", "timetolive", "%s", "--keys");
    assertThat(keys.stdout()).endsWith(", attached keys([l/a l/b])\n");
    sameWithLease(refId, subId, "lease", "timetolive", "%s", "--keys", "-w", "json");
    ProcessResult list = leaseSame("lease", "list");
    assertThat(list.stdout()).startsWith("found 2 leases\n");
    leaseSame("lease", "list", "-w", "json");
    assertThat(sameWithLease(refId, subId, "lease", "keep-alive", "--once", "%s").stdout())
        .matches("lease [0-9a-f]{16} keepalived with TTL\\(30\\)\n");
    sameWithLease(refId, subId, "lease", "keep-alive", "--once", "%s", "-w", "json");
    d.same("get", "l/", "--prefix");
    assertThat(sameWithLease(refId, subId, "lease", "revoke", "%s").stdout()).endsWith(" revoked\n");
    ProcessResult again = sameWithLease(refId, subId, "lease", "revoke", "%s");
    assertThat(again.stderr()).contains("Error: failed to revoke lease (etcdserver: requested lease not found)");
    assertThat(sameWithLease(refId, subId, "lease", "timetolive", "%s").stdout()).endsWith(" already expired\n");
    sameWithLease(refId, subId, "lease", "timetolive", "%s", "-w", "json");
    ProcessResult ka = sameWithLease(refId, subId, "lease", "keep-alive", "--once", "%s");
    assertThat(ka.stderr()).contains("Error: etcdserver: requested lease not found");
    ProcessResult unknown = leaseSame("lease", "revoke", "123abc");
    assertThat(unknown.exitCode()).isNotZero();
    d.same("get", "l/", "--prefix", "-w", "json");
  }

  /** etcd reports the remaining TTL truncated to whole seconds: right after a grant of 30 s it is 29 s. */
  @Test
  void timeToLiveRemainingIsTruncatedToWholeSeconds() {
    for (MemberProcess m : both()) {
      Etcdctl ctl = Etcdctl.of(m);
      String id = ctl.ok("lease", "grant", "30").split(" ")[1];
      String out = ctl.ok("lease", "timetolive", id);
      Matcher r = REMAINING.matcher(out);
      assertThat(r.find()).as(out).isTrue();
      assertThat(Integer.parseInt(r.group(1))).as(m.kind() + ": " + out).isBetween(25, 29);
      Map<?, ?> json = (Map<?, ?>) Json.parse(ctl.ok("lease", "timetolive", id, "-w", "json"));
      assertThat(Long.parseLong(json.get("ttl").toString())).as(m.kind() + ": " + json).isBetween(25L, 29L);
      assertThat(json.get("granted-ttl")).hasToString("30");
    }
  }

  @Test
  void expiredLeaseDeletesItsKeysInOneRevision() {
    List<String> watched = new ArrayList<>();
    for (MemberProcess m : both()) {
      Etcdctl ctl = Etcdctl.of(m);
      String id = ctl.ok("lease", "grant", "2").split(" ")[1];
      ctl.ok("put", "e/a", "1", "--lease=" + id); // 2
      ctl.ok("put", "e/b", "2", "--lease=" + id); // 3
      ctl.ok("put", "e/c", "3", "--lease=" + id); // 4
      ctl.ok("put", "e/keep", "4"); // 5
      try (LiveProcess w = LiveProcess.etcdctl(m, "watch", "e/", "--prefix", "--rev", "6", "-w", "json")) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
            .until(() -> ctl.ok("get", "e/", "--prefix", "--keys-only").equals("e/keep\n\n"));
        String out = w.awaitStdout(o -> eventCount(o) >= 3, WAIT);
        watched.add(Outputs.normaliseJson(out, false));
        List<Object> responses = Json.parseAll(out);
        assertThat(responses).as(out).hasSize(1);
        List<?> events = (List<?>) ((Map<?, ?>) responses.get(0)).get("Events");
        assertThat(events).hasSize(3).allSatisfy(e -> {
          Map<?, ?> ev = (Map<?, ?>) e;
          assertThat(ev.get("type")).hasToString("1");
          assertThat(((Map<?, ?>) ev.get("kv")).get("mod_revision")).hasToString("6");
        });
      }
      assertThat(ctl.ok("lease", "timetolive", id)).endsWith(" already expired\n");
      assertThat(ctl.ok("lease", "list")).isEqualTo("found 0 leases\n");
    }
    assertThat(watched.get(1)).isEqualTo(watched.get(0));
  }

  @Test
  void revokedLeaseKeysAreGoneAtOneRevision() {
    String refId = d.referenceCtl().ok("lease", "grant", "600").split(" ")[1];
    String subId = d.subjectCtl().ok("lease", "grant", "600").split(" ")[1];
    for (String k : new String[] {"v/a", "v/b", "v/c"}) {
      sameWithLease(refId, subId, "put", k, "x", "--lease=%s"); // 2, 3, 4
    }
    d.same("put", "v/plain", "y"); // 5
    sameWithLease(refId, subId, "lease", "revoke", "%s"); // 6
    ProcessResult after = d.same("get", "v/", "--prefix", "-w", "json");
    assertThat(((Map<?, ?>) ((Map<?, ?>) Json.parse(after.stdout())).get("header")).get("revision")).hasToString("6");
    d.same("get", "v/", "--prefix", "--rev", "5", "--keys-only");
    List<String> watched = new ArrayList<>();
    for (MemberProcess m : both()) {
      try (LiveProcess w = LiveProcess.etcdctl(m, "watch", "v/", "--prefix", "--rev", "6", "-w", "json")) {
        String out = w.awaitStdout(o -> eventCount(o) >= 3, WAIT);
        watched.add(Outputs.normaliseJson(out, false));
      }
    }
    assertThat(watched.get(0)).hasLineCount(1).contains("\"mod_revision\":6").doesNotContain("\"mod_revision\":7");
    assertThat(watched.get(1)).isEqualTo(watched.get(0));
  }

  // ---------------------------------------------------------------------------------------------

  /**
   * Starts {@code etcdctl args...} against {@code m}, waits until the member counts {@code watchers}
   * watchers, runs {@code ops}, waits for {@code done} and returns the watch output.
   */
  private static String watch(MemberProcess m, int watchers, Consumer<Etcdctl> ops, Predicate<String> done,
      String... args) {
    try (LiveProcess w = LiveProcess.etcdctl(m, args)) {
      awaitWatchers(m, watchers);
      ops.accept(Etcdctl.of(m));
      return w.awaitStdout(done, WAIT);
    }
  }

  /** Waits until {@code etcd_debugging_mvcc_watcher_total} on {@code /metrics} reaches {@code n}. */
  static void awaitWatchers(MemberProcess m, int n) {
    Pattern p = Pattern.compile("(?m)^etcd_debugging_mvcc_watcher_total (\\d+)");
    await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
      ProcessResult r = Processes.run(List.of("curl", "-sS", "--max-time", "5", "http://" + m.endpoint() + "/metrics"),
          Map.of(), null, Duration.ofSeconds(10));
      Matcher matcher = p.matcher(r.stdout());
      return matcher.find() && Integer.parseInt(matcher.group(1)) >= n;
    });
  }

  /** Number of events in {@code etcdctl watch -w json} output (complete lines only). */
  private static int eventCount(String out) {
    int n = 0;
    for (String line : out.lines().toList()) {
      if (!out.endsWith("\n") && out.endsWith(line)) {
        break;
      }
      Object events = ((Map<?, ?>) Json.parse(line)).get("Events");
      if (events instanceof List<?> l) {
        n += l.size();
      }
    }
    return n;
  }

  /** Runs a lease command on both and compares with lease ids and remaining TTLs masked. */
  private ProcessResult leaseSame(String... args) {
    return compareMasked(args, args);
  }

  /** Like {@link #leaseSame} with {@code %s} in the arguments replaced by each server's lease id. */
  private ProcessResult sameWithLease(String refId, String subId, String... args) {
    String[] ref = new String[args.length];
    String[] sub = new String[args.length];
    for (int i = 0; i < args.length; i++) {
      ref[i] = args[i].replace("%s", refId);
      sub[i] = args[i].replace("%s", subId);
    }
    return compareMasked(ref, sub);
  }

  private ProcessResult compareMasked(String[] refArgs, String[] subArgs) {
    ProcessResult want = d.referenceCtl().run(refArgs);
    if (refArgs.length > 1 && refArgs[1].equals("grant") && want.exitCode() == 0) {
      lastGrant = want.stdout().split(" ")[1];
    }
    ProcessResult got = d.subjectCtl().run(subArgs);
    assertThat(mask(got, subArgs)).as("etcdctl %s\nreference:\n%s\nsubject:\n%s", String.join(" ", subArgs), want, got)
        .isEqualTo(mask(want, refArgs));
    return got;
  }

  /** Normalised output with lease ids (hex or decimal) and remaining TTLs replaced. */
  private static String mask(ProcessResult r, String[] args) {
    String s = Outputs.normalise(r, false, args);
    s = LEASE_HEX.matcher(s).replaceAll("<ID>");
    s = REMAINING.matcher(s).replaceAll("remaining(<N>s)");
    s = s.replaceAll("\"(ID|id)\":\\d+", "\"$1\":<ID>").replaceAll("\"ttl\":\\d+", "\"ttl\":<N>");
    s = s.replaceAll("lease \\d+ ", "lease <ID> ");
    return sortAttachedKeys(s);
  }

  /**
   * etcd lists a lease's keys from a Go map, so their order changes from run to run; Cairn lists them
   * sorted. Compare the key sets, not their order.
   */
  private static String sortAttachedKeys(String s) {
    s = sortList(s, Pattern.compile("\"keys\":\\[([^\\]]*)\\]"), ",", "\"keys\":[", "]");
    return sortList(s, Pattern.compile("attached keys\\(\\[([^\\]]*)\\]\\)"), " ", "attached keys([", "])");
  }

  private static String sortList(String s, Pattern p, String sep, String open, String close) {
    Matcher m = p.matcher(s);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String[] items = m.group(1).split(Pattern.quote(sep));
      Arrays.sort(items);
      m.appendReplacement(out, Matcher.quoteReplacement(open + String.join(sep, items) + close));
    }
    m.appendTail(out);
    return out.toString();
  }
}
