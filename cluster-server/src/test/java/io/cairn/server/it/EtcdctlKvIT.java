package io.cairn.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.server.testing.Differential;
import io.cairn.server.testing.Json;
import io.cairn.server.testing.ProcessResult;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Differential etcdctl tests: every command runs against a fresh member under test and a fresh
 * reference etcd, and the normalised outputs (stdout incl. revisions/versions, exit code and error
 * text) must be identical. Each test also pins a few absolute values so that it stays meaningful
 * when the member under test is etcd itself.
 */
class EtcdctlKvIT {
  private Differential d;

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

  @Test
  void putAndPrevKv() {
    assertThat(d.same("put", "p/a", "1").stdout()).isEqualTo("OK\n");
    d.same("put", "p/a", "2", "--prev-kv");
    d.same("put", "p/a", "3", "--prev-kv", "-w", "json");
    d.same("put", "p/a", "4", "--prev-kv", "-w", "fields");
    d.same("put", "p/b", "new", "--prev-kv", "-w", "json");
    ProcessResult r = d.same("get", "p/a", "-w", "json");
    Map<?, ?> kv = firstKv(r.stdout());
    assertThat(kv.get("create_revision")).hasToString("2");
    assertThat(kv.get("mod_revision")).hasToString("5");
    assertThat(kv.get("version")).hasToString("4");
    assertThat(header(r.stdout()).get("revision")).hasToString("6");
  }

  @Test
  void putValueFromStdin() {
    d.sameWithStdin("from stdin\nsecond line\n", "put", "s/k");
    ProcessResult r = d.same("get", "s/k", "--print-value-only");
    assertThat(r.stdout()).isEqualTo("from stdin\nsecond line\n\n");
    d.same("get", "s/k", "-w", "json");
  }

  @Test
  void putIgnoreValue() {
    d.same("put", "i/k", "original");
    d.same("put", "i/k", "--ignore-value", "--prev-kv", "-w", "json");
    ProcessResult r = d.same("get", "i/k", "-w", "json");
    Map<?, ?> kv = firstKv(r.stdout());
    assertThat(kv.get("version")).hasToString("2");
    assertThat(r.stdout()).contains(b64("original"));
    // --ignore-value on a key that does not exist is an error
    ProcessResult missing = d.same("put", "i/missing", "--ignore-value");
    assertThat(missing.exitCode()).isNotZero();
  }

  @Test
  void putWithUnknownLease() {
    ProcessResult r = d.same("put", "l/k", "v", "--lease=1234abcd");
    assertThat(r.exitCode()).isNotZero();
    assertThat(r.stderr()).contains("Error: etcdserver: requested lease not found");
    d.same("get", "l/k", "-w", "json");
  }

  @Test
  void getWithEveryFlag() {
    populate();
    d.same("get", "g/b");
    d.same("get", "g/", "--prefix");
    d.same("get", "g/c", "--from-key");
    d.same("get", "g/", "--prefix", "--limit", "2", "-w", "json");
    d.same("get", "g/", "--prefix", "--limit=2", "-w", "fields");
    for (String order : new String[] {"ASCEND", "DESCEND"}) {
      for (String target : new String[] {"KEY", "VERSION", "CREATE", "MODIFY", "VALUE"}) {
        d.same("get", "g/", "--prefix", "--order=" + order, "--sort-by=" + target);
        d.same("get", "g/", "--prefix", "--order", order, "--sort-by", target, "--limit", "3", "-w", "json");
      }
    }
    d.same("get", "g/", "--prefix", "--sort-by=VALUE");
    d.same("get", "g/", "--prefix", "--order=DESCEND");
    d.same("get", "g/", "--prefix", "--keys-only");
    d.same("get", "g/", "--prefix", "--keys-only", "-w", "json");
    if (etcdctlHas("--count-only")) {
      d.same("get", "g/", "--prefix", "--count-only", "-w", "json");
      d.same("get", "g/", "--prefix", "--count-only", "-w", "fields");
      ProcessResult count = d.same("get", "g/", "--prefix", "--count-only", "-w", "json");
      assertThat(Json.write(((Map<?, ?>) Json.parse(count.stdout())).get("count"))).isEqualTo("5");
    }
    d.same("get", "g/", "--prefix", "--print-value-only");
    d.same("get", "g/", "--prefix", "--consistency=s", "-w", "json");
    d.same("get", "g/", "--prefix", "--consistency=l", "-w", "simple");
    d.same("get", "g/a", "g/d");
    d.same("get", "g/a", "g/d", "-w", "json");
    d.same("get", "g/zzz", "-w", "json");
    d.same("get", "g/zzz");
    ProcessResult limited = d.same("get", "g/", "--prefix", "--limit", "2", "-w", "json");
    assertThat(limited.stdout()).contains("\"more\":true");
  }

  @Test
  void getAtRevisionAndRevisionFilters() {
    populate(); // revisions 2..9
    for (int rev = 1; rev <= 9; rev++) {
      d.same("get", "g/", "--prefix", "--rev=" + rev, "-w", "json");
    }
    d.same("get", "g/", "--prefix", "--rev", "4");
    // etcdctl 3.4 has no --min/max-*-revision flags (3.5 has); JetcdKvIT covers them via the API.
    if (etcdctlHas("--min-mod-revision")) {
      d.same("get", "g/", "--prefix", "--min-mod-revision=5", "-w", "json");
      d.same("get", "g/", "--prefix", "--max-mod-revision=5", "-w", "json");
      d.same("get", "g/", "--prefix", "--min-create-revision=4", "-w", "json");
      d.same("get", "g/", "--prefix", "--max-create-revision=4", "-w", "json");
      ProcessResult window =
          d.same("get", "g/", "--prefix", "--min-mod-revision=3", "--max-mod-revision=7", "--keys-only");
      assertThat(window.stdout()).isEqualTo("g/a\n\ng/c\n\ng/d\n\ng/e\n\n");
      d.same("get", "g/", "--prefix", "--min-create-revision=3", "--max-create-revision=5", "--keys-only");
    }
    ProcessResult atFour = d.same("get", "g/", "--prefix", "--rev=4", "--keys-only");
    assertThat(atFour.stdout()).isEqualTo("g/a\n\ng/b\n\ng/c\n\n");
  }

  @Test
  void deleteVariants() {
    for (String k : new String[] {"d/a", "d/b", "d/c", "d/d", "d/e", "e/x", "f/y"}) {
      d.same("put", k, "v-" + k);
    }
    assertThat(d.same("del", "d/a").stdout()).isEqualTo("1\n");
    assertThat(d.same("del", "d/a").stdout()).isEqualTo("0\n");
    d.same("del", "d/b", "--prev-kv");
    d.same("del", "d/c", "d/e", "-w", "json"); // range [d/c, d/e)
    d.same("get", "", "--from-key", "--keys-only");
    d.same("del", "d/", "--prefix", "--prev-kv", "-w", "json");
    d.same("del", "e/", "--from-key", "-w", "json");
    d.same("del", "nothing", "-w", "json");
    ProcessResult rest = d.same("get", "", "--from-key", "-w", "json");
    assertThat(rest.stdout()).doesNotContain("\"kvs\"");
    assertThat(header(rest.stdout()).get("revision")).hasToString("13");
  }

  @Test
  void txnComparesOnValueVersionCreateAndMod() {
    d.same("put", "t/k", "v1"); // rev 2
    d.same("put", "t/k", "v2"); // rev 3, version 2
    d.same("put", "t/o", "other"); // rev 4
    String[] compares = {
        "value(\"t/k\") = \"v2\"", "value(\"t/k\") != \"v2\"", "value(\"t/k\") > \"v1\"", "value(\"t/k\") < \"v1\"",
        "version(\"t/k\") = \"2\"", "version(\"t/k\") != \"2\"", "version(\"t/k\") > \"1\"", "version(\"t/k\") < \"2\"",
        "create(\"t/k\") = \"2\"", "create(\"t/k\") != \"2\"", "create(\"t/k\") > \"1\"", "create(\"t/k\") < \"2\"",
        "mod(\"t/k\") = \"3\"", "mod(\"t/k\") != \"3\"", "mod(\"t/k\") > \"3\"", "mod(\"t/k\") < \"4\"",
        "version(\"t/absent\") = \"0\"", "create(\"t/absent\") = \"0\"", "value(\"t/absent\") = \"\"",
    };
    for (String cmp : compares) {
      d.sameWithStdin(cmp + "\n\nget t/o\n\nget t/k\n\n", "txn", "-w", "json");
    }
    ProcessResult yes = d.sameWithStdin("value(\"t/k\") = \"v2\"\n\nget t/o\n\nget t/k\n\n", "txn");
    assertThat(yes.stdout()).startsWith("SUCCESS\n");
    ProcessResult no = d.sameWithStdin("value(\"t/k\") != \"v2\"\n\nget t/o\n\nget t/k\n\n", "txn");
    assertThat(no.stdout()).startsWith("FAILURE\n");
    // writes in the branches
    d.sameWithStdin("mod(\"t/k\") > \"0\"\nversion(\"t/o\") = \"1\"\n\n"
        + "put t/k \"overwrote\"\nput t/n new\ndel t/o\n\nput t/k \"failure\"\n\n", "txn", "-w", "json");
    d.sameWithStdin("create(\"t/k\") = \"999\"\n\nput t/k never\n\nput t/f failed-branch\nget t/k\n\n",
        "txn", "-w", "json");
    d.sameWithStdin("\nput t/e empty-compare\n\n\n", "txn");
    ProcessResult all = d.same("get", "t/", "--prefix", "-w", "json");
    assertThat(header(all.stdout()).get("revision")).hasToString("7");
    assertThat(all.stdout()).contains(b64("overwrote"), b64("failed-branch"), b64("empty-compare"));
  }

  @Test
  void compaction() {
    for (int i = 0; i < 6; i++) {
      d.same("put", "c/k", "v" + i); // revisions 2..7
    }
    assertThat(d.same("compaction", "4").stdout()).isEqualTo("compacted revision 4\n");
    ProcessResult old = d.same("get", "c/k", "--rev=3");
    assertThat(old.stderr()).contains("Error: etcdserver: mvcc: required revision has been compacted");
    d.same("get", "c/k", "--rev=4", "-w", "json");
    ProcessResult again = d.same("compaction", "4");
    assertThat(again.stderr()).contains("etcdserver: mvcc: required revision has been compacted");
    d.same("compaction", "--physical", "6");
    d.same("get", "c/k", "--rev=5");
    d.same("get", "c/k", "--rev=6", "-w", "json");
    ProcessResult future = d.same("get", "c/k", "--rev=100");
    assertThat(future.stderr()).contains("Error: etcdserver: mvcc: required revision is a future revision");
    ProcessResult futureCompact = d.same("compaction", "100");
    assertThat(futureCompact.stderr()).contains("etcdserver: mvcc: required revision is a future revision");
    d.same("get", "c/k", "-w", "json");
  }

  @Test
  void emptyKeyIsRejected() {
    ProcessResult put = d.same("put", "", "v");
    assertThat(put.stderr()).contains("Error: etcdserver: key is not provided");
    ProcessResult get = d.same("get", "");
    assertThat(get.stderr()).contains("Error: etcdserver: key is not provided");
    d.same("del", "");
  }

  @Test
  void txnWithTooManyOperations() {
    StringBuilder ops = new StringBuilder("\n");
    for (int i = 0; i < 129; i++) {
      ops.append("put m/").append(i).append(" v\n");
    }
    ProcessResult r = d.sameWithStdin(ops + "\n\n", "txn");
    assertThat(r.stderr()).contains("Error: etcdserver: too many operations in txn request");
    StringBuilder max = new StringBuilder("\n");
    for (int i = 0; i < 128; i++) {
      max.append("put m/").append(i).append(" v\n");
    }
    d.sameWithStdin(max + "\n\n", "txn", "-w", "json");
    ProcessResult keys = d.same("get", "m/", "--prefix", "--keys-only");
    assertThat(keys.stdout().lines().filter(l -> !l.isEmpty()).count()).isEqualTo(128);
  }

  @Test
  void txnWithDuplicateKey() {
    ProcessResult r = d.sameWithStdin("\nput dup/k v1\nput dup/k v2\n\n\n", "txn");
    assertThat(r.stderr()).contains("Error: etcdserver: duplicate key given in txn request");
    d.sameWithStdin("\nput dup/k v1\nput dup/j v2\n\n\n", "txn", "-w", "json");
  }

  @Test
  void requestTooLarge() {
    String big = "x".repeat(1536 * 1024 + 1024);
    ProcessResult r = d.sameWithStdin(big, "put", "big/k");
    assertThat(r.stderr()).contains("Error: etcdserver: request is too large");
    d.sameWithStdin("x".repeat(1024 * 1024), "put", "big/ok");
    d.same("get", "big/", "--prefix", "--keys-only", "-w", "json");
  }

  /** Whether the installed etcdctl's {@code get} knows {@code flag} (etcdctl 3.4 lacks some 3.5 flags). */
  private boolean etcdctlHas(String flag) {
    return d.referenceCtl().run("get", "--help").combined().contains(flag);
  }

  private void populate() {
    d.same("put", "g/a", "5"); // 2
    d.same("put", "g/b", "4"); // 3
    d.same("put", "g/c", "3"); // 4
    d.same("put", "g/a", "9"); // 5
    d.same("put", "g/d", "1"); // 6
    d.same("put", "g/e", "2"); // 7
    d.same("put", "g/b", "7"); // 8
    d.same("put", "g/b", "0"); // 9
  }

  private static Map<?, ?> header(String json) {
    return (Map<?, ?>) ((Map<?, ?>) Json.parse(json)).get("header");
  }

  private static Map<?, ?> firstKv(String json) {
    return (Map<?, ?>) ((java.util.List<?>) ((Map<?, ?>) Json.parse(json)).get("kvs")).get(0);
  }

  private static String b64(String s) {
    return java.util.Base64.getEncoder().encodeToString(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }
}
