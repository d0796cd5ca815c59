package io.cairn.console.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cairn.server.testing.Clients;
import io.cairn.server.testing.Etcdctl;
import io.cairn.server.testing.FreePorts;
import io.cairn.server.testing.MemberProcess;
import io.cairn.server.testing.ServerKind;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web console's main flows in a real browser (Debian's headless Chromium) against a real
 * member seeded with a tree of 10,000 keys and the console started by {@code bin/cairn-console}.
 * Each test opens its own page; screenshots land in {@code console-web/target/screenshots}.
 */
class ConsoleBrowserIT {
  static final int SERVICES = 20;
  static final int INSTANCES = 250;
  static final String HISTORY_KEY = "/config/app.json";

  static MemberProcess member;
  static Client client;
  static ConsoleProcess console;
  @TempDir static Path temp;
  Browser browser;

  @BeforeAll
  static void startClusterAndConsole(TestInfo info) throws Exception {
    member = MemberProcess.builder(ServerKind.underTest()).test("ConsoleBrowserIT").startReady();
    client = Clients.jetcd(member);
    seed();
    // As users give endpoints to etcdctl: host:port, no scheme.
    console = ConsoleProcess.start(temp.resolve("profiles.json"), "--endpoints", member.endpoint());
  }

  @AfterAll
  static void stopAll() {
    if (console != null) {
      console.close();
    }
    if (client != null) {
      client.close();
    }
    if (member != null) {
      member.close();
    }
  }

  @BeforeEach
  void openBrowser() {
    browser = new Browser();
  }

  @AfterEach
  void closeBrowser(TestInfo info) {
    if (browser != null) {
      browser.screenshot("last-" + info.getTestMethod().get().getName());
      browser.close();
    }
  }

  /** 10,000 keys under /app/svc-NN/inst-NNN/{config,status}, in transactions of 100 puts. */
  static void seed() {
    List<Op> ops = new ArrayList<>();
    for (int s = 0; s < SERVICES; s++) {
      for (int i = 0; i < INSTANCES; i++) {
        String base = String.format("/app/svc-%02d/inst-%03d/", s, i);
        ops.add(Op.put(bytes(base + "config"), bytes("{\"service\":\"svc-" + s + "\",\"instance\":" + i
            + ",\"port\":" + (8000 + i) + ",\"tags\":[\"blue\",\"canary\"]}"), PutOption.DEFAULT));
        ops.add(Op.put(bytes(base + "status"), bytes("running since revision zero"), PutOption.DEFAULT));
        if (ops.size() == 100) {
          Clients.get(client.getKVClient().txn().Then(ops.toArray(new Op[0])).commit());
          ops.clear();
        }
      }
    }
    byte[] blob = new byte[64];
    for (int i = 0; i < blob.length; i++) {
      blob[i] = (byte) (i * 7);
    }
    Clients.get(client.getKVClient().put(bytes("/bin/blob"), ByteSequence.from(blob)));
    for (int v = 1; v <= 5; v++) {
      Clients.get(client.getKVClient().put(bytes(HISTORY_KEY),
          bytes("{\n  \"replicas\": " + v + ",\n  \"image\": \"app:1." + v + "\",\n  \"debug\": false\n}")));
    }
  }

  @Test
  void treeOpensALeafOfTheSeededTreeAndShowsItsValueAsJson() {
    browser.open(console.url());
    browser.clickCell("key-tree", "/");
    browser.clickCell("key-tree", "app/");
    browser.awaitCell("key-tree", "svc-19/");
    browser.clickCell("key-tree", "svc-07/");
    browser.awaitCell("key-tree", "inst-000/");
    // 250 instances: the first page of the directory shows them all, no "more" row.
    browser.clickCell("key-tree", "inst-003/");
    browser.clickCell("key-tree", "config");
    browser.awaitText("value-key", t -> t.equals("/app/svc-07/inst-003/config"));
    String value = browser.text("value-text");
    assertThat(value).contains("8003").contains("\"service\" : \"svc-7\"");
    assertThat(browser.byId("value-text").getAttribute("data-format")).isEqualTo("JSON");
    assertThat(browser.text("value-meta")).contains("version 1").contains("lease none");
    assertThat(browser.text("pinned-revision")).startsWith("revision ");
    browser.screenshot("keys-tree");
  }

  @Test
  void binaryValuesShowAsAHexDump() {
    browser.open(console.url() + "keys");
    browser.clickCell("key-tree", "/");
    browser.clickCell("key-tree", "bin/");
    browser.clickCell("key-tree", "blob");
    browser.awaitText("value-text", t -> !t.isEmpty());
    assertThat(browser.byId("value-text").getAttribute("data-format")).isEqualTo("HEX");
    assertThat(browser.text("value-text")).contains("00 07 0e 15 1c 23 2a 31");
  }

  @Test
  void flatListSearchesByPrefixAndCountsTheMatches() {
    browser.open(console.url() + "keys");
    browser.click("tab-list");
    browser.type("key-search", "/app/svc-03/");
    browser.awaitText("key-count", t -> t.equals("500 keys match"));
    browser.awaitCell("key-list", "/app/svc-03/inst-000/config");
    assertThat(browser.cells("key-list")).noneMatch(t -> t.startsWith("/app/svc-04/"));
    browser.screenshot("keys-list");
  }

  @Test
  void historyListsEveryRevisionAndDiffsTwoOfThem() {
    String key = Base64.getUrlEncoder().withoutPadding()
        .encodeToString(HISTORY_KEY.getBytes(StandardCharsets.UTF_8));
    browser.open(console.url() + "history?key=" + key);
    browser.awaitText("history-summary", t -> t.startsWith("5 revisions of " + HISTORY_KEY));
    assertThat(browser.cells("history-grid")).filteredOn(t -> t.startsWith("{")).hasSize(5);
    // The newest revision against the one before it.
    browser.awaitText("history-diff", t -> t.contains("-   \"replicas\": 4,") && t.contains("+   \"replicas\": 5,"));
    assertThat(browser.text("history-diff")).contains("-   \"image\": \"app:1.4\",")
        .contains("+   \"image\": \"app:1.5\",").contains("    \"debug\": false");
    assertThat(browser.text("history-compacted")).contains("Never compacted");
    browser.screenshot("history");
  }

  @Test
  void watchShowsAPutFromEtcdctlLive() {
    browser.open(console.url() + "watch");
    browser.type("watch-key", "/live/");
    browser.click("watch-start");
    browser.awaitText("watch-status", t -> t.startsWith("Watching prefix /live/"));
    Etcdctl.of(member).ok("put", "/live/deploy", "v42");
    browser.awaitCell("watch-events", "/live/deploy");
    assertThat(browser.cells("watch-events")).contains("PUT", "v42");
    Etcdctl.of(member).ok("del", "/live/deploy");
    browser.awaitCell("watch-events", "DELETE");
    browser.awaitText("watch-status", t -> t.startsWith("2 events received"));
    browser.screenshot("watch");
    // What was seen, exported as JSON lines: oldest first, one object per event.
    String exported = browser.download("watch-export-jsonl");
    List<String> lines = exported.lines().toList();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).contains("\"type\":\"PUT\"").contains("/live/deploy").contains("v42");
    assertThat(lines.get(1)).contains("\"type\":\"DELETE\"");
  }

  @Test
  void deletingAPrefixShowsTheCountFirstAndRemovesExactlyThoseKeys() {
    for (int i = 0; i < 30; i++) {
      Clients.get(client.getKVClient().put(bytes("/doomed/k" + i), bytes("x")));
    }
    Clients.get(client.getKVClient().put(bytes("/doomedx"), bytes("survives")));
    browser.open(console.url() + "keys");
    browser.click("allow-writes");
    browser.click("tab-list");
    browser.type("key-search", "/doomed/");
    browser.awaitText("key-count", t -> t.equals("30 keys match"));
    browser.click("key-list-delete");
    browser.awaitText("delete-count", t -> t.startsWith("This deletes 30 keys."));
    browser.screenshot("delete-prefix");
    browser.click("delete-confirm");
    await().atMost(Duration.ofSeconds(20)).until(() -> Clients.get(client.getKVClient().get(bytes("/doomed/"),
        GetOption.builder().isPrefix(true).withCountOnly(true).build())).getCount() == 0);
    assertThat(Etcdctl.of(member).ok("get", "/doomedx", "--print-value-only").trim()).isEqualTo("survives");
    browser.awaitText("key-count", t -> t.equals("0 keys match"));
  }

  @Test
  void connectingToAnotherClusterThenCompactingMarksTheBoundaryAndAnOldValueIsRestored(TestInfo info) {
    try (MemberProcess other = MemberProcess.builder(ServerKind.underTest()).test(info).startReady();
        Client otherClient = Clients.jetcd(other)) {
      for (int v = 1; v <= 6; v++) {
        Clients.get(otherClient.getKVClient().put(bytes("/other/key"), bytes("value " + v)));
      }
      long rev = Clients.get(otherClient.getKVClient().get(bytes("/other/key"))).getHeader().getRevision();
      browser.open(console.url() + "connect");
      browser.type("endpoints", other.endpoint());
      browser.click("connect");
      browser.awaitText("connection-endpoints", t -> t.equals(other.endpoint()));
      browser.awaitText("connection-state", t -> t.equals("connected"));
      browser.open(console.url() + "cluster");
      browser.awaitText("cluster-summary", t -> t.contains("1 members, 1 reachable"));
      browser.click("allow-writes");
      browser.type("compact-revision", String.valueOf(rev - 2));
      browser.click("compact");
      browser.screenshot("compact-confirm");
      browser.clickConfirm("compact-dialog");
      String key = Base64.getUrlEncoder().withoutPadding()
          .encodeToString("/other/key".getBytes(StandardCharsets.UTF_8));
      browser.open(console.url() + "history?key=" + key);
      browser.awaitText("history-compacted", t -> t.contains("revisions at or below " + (rev - 2)));
      // The value at the compact revision is kept, and the two newer ones.
      browser.awaitText("history-summary", t -> t.startsWith("3 revisions of /other/key"));
      browser.screenshot("history-compacted");
      // Put the oldest retained value back: a txn guarded by the current mod revision.
      browser.clickCell("history-grid", "value 4");
      browser.click("history-restore");
      browser.clickConfirm("restore-dialog");
      await().atMost(Duration.ofSeconds(20)).until(() -> Etcdctl.of(other)
          .ok("get", "/other/key", "--print-value-only").trim().equals("value 4"));
      browser.awaitText("history-summary", t -> t.startsWith("4 revisions of /other/key"));
      // The keyspace as it was before the restore.
      browser.open(console.url() + "keys?rev=" + rev);
      browser.awaitText("pinned-revision", t -> t.equals("revision " + rev));
      browser.clickCell("key-tree", "/");
      browser.clickCell("key-tree", "other/");
      browser.clickCell("key-tree", "key");
      browser.awaitText("value-text", t -> t.equals("value 6"));
    }
  }

  @Test
  void clusterPageShowsTheMemberAsHealthyLeader() {
    browser.open(console.url() + "cluster");
    browser.awaitText("cluster-summary", t -> t.contains("1 members, 1 reachable") && t.contains("leader"));
    await().atMost(Duration.ofSeconds(30)).until(() -> browser.cells("cluster-members").stream()
        .anyMatch(t -> t.contains("leader")));
    assertThat(browser.cells("cluster-members")).anyMatch(t -> t.contains(member.clientUrl()))
        .anyMatch(t -> t.equals("healthy"));
    assertThat(browser.text("cluster-alarms")).isEqualTo("No alarms.");
    browser.screenshot("cluster");
  }

  @Test
  void chartsAreDrawnAsImagesFromTheScrapedMetrics() {
    browser.open(console.url() + "charts");
    // Charts are redrawn after every scrape (one a second here), so an image may be between two
    // sources at any moment: wait until all five are loaded at once, each a decoded 640×320 PNG.
    await().atMost(Duration.ofSeconds(30)).until(() -> Boolean.TRUE.equals(browser.js(
        "return Array.from(document.querySelectorAll('#charts img')).length === 5"
            + " && Array.from(document.querySelectorAll('#charts img')).every("
            + "i => i.complete && i.naturalWidth === 640 && i.naturalHeight === 320);")));
    String src = browser.byId("chart-leader-changes").getAttribute("src");
    assertThat(src).isNotBlank();
    browser.screenshot("charts");
  }

  @Test
  void writesAreLockedUntilAllowedThenAPutLands() {
    browser.open(console.url() + "keys");
    assertThat(browser.byId("key-new").getAttribute("disabled")).isNotNull();
    browser.click("allow-writes");
    await().atMost(Duration.ofSeconds(10)).until(() -> browser.byId("key-new").getAttribute("disabled") == null);
    browser.click("key-new");
    browser.type("put-key", "/from-console/greeting");
    browser.type("put-value", "hello from the browser");
    browser.click("put-confirm");
    browser.awaitText("value-key", t -> t.equals("/from-console/greeting"));
    assertThat(Etcdctl.of(member).ok("get", "/from-console/greeting", "--print-value-only").trim())
        .isEqualTo("hello from the browser");
  }

  @Test
  void anUnreachableClusterIsSaidSo() {
    browser.open(console.url() + "connect");
    browser.type("endpoints", "127.0.0.1:" + FreePorts.next());
    browser.click("connect");
    browser.awaitText("connection-banner", t -> t.startsWith("Cannot reach the cluster"));
    assertThat(browser.byId("connection-state").getAttribute("data-state")).isEqualTo("UNREACHABLE");
    browser.screenshot("unreachable");
  }

  @Test
  void theConsoleReconnectsByItselfWhenTheClusterComesBack(TestInfo info) {
    try (MemberProcess other = MemberProcess.builder(ServerKind.underTest()).test(info).startReady()) {
      Etcdctl.of(other).ok("put", "/back/again", "yes");
      browser.open(console.url() + "connect");
      browser.type("endpoints", other.endpoint());
      browser.click("connect");
      browser.awaitText("connection-state", t -> t.equals("connected"));
      other.kill9();
      browser.awaitText("connection-banner", t -> t.startsWith("Cannot reach the cluster"));
      other.restart();
      browser.awaitText("connection-state", t -> t.equals("connected"));
      assertThat(browser.byId("connection-banner").isDisplayed()).isFalse();
      // The key page reads the tree again by itself once the cluster answers.
      browser.clickCell("key-tree", "/");
      browser.clickCell("key-tree", "back/");
      browser.clickCell("key-tree", "again");
      browser.awaitText("value-text", t -> t.equals("yes"));
    }
  }

  static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }
}
