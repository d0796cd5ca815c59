package io.cairn.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.server.testing.Differential;
import io.cairn.server.testing.Etcdctl;
import io.cairn.server.testing.LiveProcess;
import io.cairn.server.testing.MemberProcess;
import io.cairn.server.testing.Outputs;
import io.cairn.server.testing.ProcessResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Users, roles and permissions with the real etcdctl, command by command against the member under
 * test and a reference etcd: each command must succeed or fail with the same output on both.
 */
class AuthEtcdctlIT {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final Pattern LEASE_HEX = Pattern.compile("\\b[0-9a-f]{16}\\b");
  private static final String ROOT = "--user=root:rootpw";
  private static final String READER = "--user=reader:readpw";
  private static final String WRITER = "--user=writer:writepw";
  private static final String STRANGER = "--user=stranger:strangepw";

  private Differential d;

  @BeforeEach
  void start(TestInfo info) {
    d = open(info);
  }

  /** A single member of each kind; {@link AuthEtcdctlClusterIT} runs the same on clusters. */
  Differential open(TestInfo info) {
    return Differential.start(info);
  }

  @AfterEach
  void stop() {
    if (d != null) {
      d.close();
    }
  }

  private void setUp() {
    d.same("auth", "enable");
    d.same("user", "add", "root", "--new-user-password=rootpw", "--interactive=false");
    d.same("user", "add", "reader", "--new-user-password=readpw", "--interactive=false");
    d.same("user", "add", "writer", "--new-user-password=writepw", "--interactive=false");
    d.same("user", "add", "stranger", "--new-user-password=strangepw", "--interactive=false");
    d.same("user", "add", "doomed", "--new-user-password=x", "--interactive=false");
    d.same("user", "add", "root", "--new-user-password=again", "--interactive=false");
    d.same("role", "add", "r-read");
    d.same("role", "add", "r-read");
    d.same("role", "add", "r-write");
    d.same("role", "add", "r-gone");
    d.same("role", "grant-permission", "r-read", "read", "k/", "--prefix");
    d.same("role", "grant-permission", "r-read", "read", "z", "--from-key");
    d.same("role", "grant-permission", "r-read", "readwrite", "single");
    d.same("role", "grant-permission", "r-write", "readwrite", "w/", "--prefix");
    d.same("role", "grant-permission", "r-write", "write", "k/x");
    d.same("role", "grant-permission", "r-write", "read", "a", "c");
    d.same("role", "grant-permission", "r-write", "readwrite", "a", "c");
    d.same("role", "grant-permission", "nobody", "read", "a");
    d.same("role", "revoke-permission", "r-write", "nothing");
    d.same("role", "revoke-permission", "r-read", "single");
    d.same("role", "revoke-permission", "nobody", "single");
    d.same("user", "grant-role", "reader", "r-read");
    d.same("user", "grant-role", "writer", "r-write");
    d.same("user", "grant-role", "writer", "r-write");
    d.same("user", "grant-role", "writer", "r-gone");
    d.same("user", "grant-role", "writer", "nope");
    d.same("user", "grant-role", "nobody", "r-read");
    d.same("user", "revoke-role", "writer", "r-read");
    d.same("user", "revoke-role", "nobody", "r-read");
    d.same("role", "delete", "r-gone");
    d.same("role", "delete", "r-gone");
    d.same("user", "get", "writer");
    d.same("user", "get", "nobody");
    d.same("user", "delete", "doomed");
    d.same("user", "delete", "doomed");
    d.same("user", "list");
    d.same("role", "list");
    d.same("role", "get", "r-read");
    d.same("role", "get", "r-write");
    d.same("role", "get", "nobody");
    d.same("user", "get", "root");
    // etcdctl answers 'root user does not have root role' by adding and granting the role.
    d.same("auth", "enable");
    d.same("auth", "enable");
    d.same(ROOT, "role", "get", "root");
    d.same(ROOT, "user", "get", "root");
    d.same(ROOT, "put", "k/a", "1");
    d.same(ROOT, "put", "k/x", "2");
    d.same(ROOT, "put", "w/a", "3");
    d.same(ROOT, "put", "zz", "4");
    d.same(ROOT, "put", "other", "5");
  }

  @Test
  void usersRolesAndTheMatrixOfKeyOperations() {
    setUp();
    List<String> who = List.of(ROOT, READER, WRITER, STRANGER, "--user=reader:wrong", "");
    for (String u : who) {
      List<String> p = new ArrayList<>();
      if (!u.isEmpty()) {
        p.add(u);
      }
      d.same(args(p, "get", "k/a"));
      d.same(args(p, "get", "k/", "--prefix"));
      d.same(args(p, "get", "z", "--from-key"));
      d.same(args(p, "get", "y", "--from-key"));
      d.same(args(p, "get", "other"));
      d.same(args(p, "get", "a", "c"));
      d.same(args(p, "get", "a", "d"));
      d.same(args(p, "put", "k/x", "written"));
      d.same(args(p, "put", "k/x", "written", "--prev-kv"));
      d.same(args(p, "put", "w/b", "v"));
      d.same(args(p, "put", "b", "v"));
      d.same(args(p, "del", "w/b"));
      d.same(args(p, "del", "w/", "--prefix"));
      d.same(args(p, "del", "k/x", "--prev-kv"));
      d.sameWithStdin("\nput w/t 1\n\n", args(p, "txn"));
      d.sameWithStdin("value(\"k/a\") = \"1\"\n\nput w/t 2\n\nput w/t 3\n\n", args(p, "txn"));
      d.sameWithStdin("value(\"w/t\") = \"x\"\n\nput w/t 2\n\nput k/t 3\n\n", args(p, "txn"));
      d.same(args(p, "user", "list"));
      d.same(args(p, "role", "list"));
      d.same(args(p, "user", "get", "reader"));
      d.same(args(p, "role", "get", "r-read"));
      d.same(args(p, "role", "add", "extra"));
      d.same(args(p, "alarm", "list"));
      d.same(args(p, "compaction", "2"));
    }
    d.same(READER, "auth", "disable");
    d.same(ROOT, "user", "delete", "root");
    d.same(ROOT, "role", "delete", "root");
    d.same(ROOT, "user", "revoke-role", "root", "root");
    d.same(ROOT, "auth", "disable");
    d.same("get", "k/", "--prefix");
    d.same("auth", "disable");
  }

  @Test
  void passwordsChangeAndRevokedRolesStopAccess() {
    setUp();
    d.same(READER, "get", "k/a");
    d.sameWithStdin("newpw\n", ROOT, "user", "passwd", "reader", "--interactive=false");
    d.same(READER, "get", "k/a");
    d.same("--user=reader:newpw", "get", "k/a");
    // A user other than root changing its own password (etcd decides who may).
    d.sameWithStdin("mine\n", "--user=reader:newpw", "user", "passwd", "reader",
        "--interactive=false");
    d.sameWithStdin("theirs\n", "--user=reader:newpw", "user", "passwd", "writer",
        "--interactive=false");
    d.sameWithStdin("newpw\n", ROOT, "user", "passwd", "reader", "--interactive=false");
    d.same(ROOT, "user", "revoke-role", "reader", "r-read");
    d.same("--user=reader:newpw", "get", "k/a");
    d.same(ROOT, "user", "grant-role", "reader", "r-read");
    d.same(ROOT, "role", "revoke-permission", "r-read", "k/", "--prefix");
    d.same("--user=reader:newpw", "get", "k/a");
    d.same(ROOT, "user", "delete", "reader");
    d.same("--user=reader:newpw", "get", "k/a");
  }

  @Test
  void leasesWatchesLocksAndElections() {
    setUp();
    List<String> outputs = new ArrayList<>();
    for (MemberProcess m : List.of(d.reference(), d.subject())) {
      Etcdctl ctl = Etcdctl.of(m);
      StringBuilder t = new StringBuilder();
      String id = ctl.ok(WRITER, "lease", "grant", "100").split(" ")[1];
      t.append(run(ctl, WRITER, "put", "w/leased", "v", "--lease=" + id));
      t.append(run(ctl, READER, "lease", "revoke", id));
      t.append(run(ctl, STRANGER, "lease", "revoke", id));
      t.append(run(ctl, "lease", "revoke", id));
      t.append(run(ctl, READER, "lease", "timetolive", id));
      t.append(run(ctl, STRANGER, "lease", "list"));
      t.append(run(ctl, WRITER, "lease", "revoke", id));
      String empty = ctl.ok(STRANGER, "lease", "grant", "100").split(" ")[1];
      t.append(run(ctl, STRANGER, "lease", "revoke", empty));
      for (String u : List.of(READER, STRANGER)) {
        try (LiveProcess w = LiveProcess.etcdctl(m, u, "watch", "w/", "--prefix")) {
          w.awaitExit(WAIT);
          t.append("watch ").append(u).append(": ").append(w.stdout())
              .append(Outputs.stripClientLogs(w.stderr()));
        }
      }
      try (LiveProcess w = LiveProcess.etcdctl(m, "watch", "w/", "--prefix")) {
        w.awaitExit(WAIT);
        t.append("watch anonymous: ").append(w.stdout())
            .append(Outputs.stripClientLogs(w.stderr()));
      }
      try (LiveProcess w = LiveProcess.etcdctl(m, WRITER, "watch", "w/", "--prefix")) {
        w.awaitStdout(o -> true, Duration.ofSeconds(1));
        sleep(500);
        ctl.ok(WRITER, "put", "w/seen", "1");
        t.append("watch writer: ").append(w.awaitStdout(o -> o.contains("w/seen"), WAIT));
      }
      t.append(run(ctl, WRITER, "lock", "w/lock", "echo", "locked"));
      t.append(run(ctl, READER, "lock", "k/lock", "echo", "locked"));
      t.append(run(ctl, STRANGER, "lock", "w/lock", "echo", "locked"));
      t.append(run(ctl, STRANGER, "elect", "w/e"));
      outputs.add(LEASE_HEX.matcher(t.toString()).replaceAll("<lease>")
          .replaceAll("remaining\\(\\d+s\\)", "remaining(Ns)"));
    }
    assertThat(outputs.get(1)).isEqualTo(outputs.get(0));
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String run(Etcdctl ctl, String... args) {
    ProcessResult r = ctl.withCommandTimeout(Duration.ofSeconds(5)).run(args);
    return "etcdctl " + String.join(" ", args) + "\n" + Outputs.normalise(r, true, args);
  }

  private static String[] args(List<String> prefix, String... rest) {
    List<String> a = new ArrayList<>(prefix);
    a.addAll(List.of(rest));
    return a.toArray(String[]::new);
  }
}
