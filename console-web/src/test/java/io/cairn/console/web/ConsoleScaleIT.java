package io.cairn.console.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.server.testing.Clients;
import io.cairn.server.testing.MemberProcess;
import io.cairn.server.testing.ServerKind;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The console at scale, in the browser, on Cairn and on Debian's etcd: a prefix of 100,000 keys
 * opened in the tree and in the list, and a key with 1,000 revisions opened in history. Proves the
 * pages work at that size (first page, counts, every revision listed) and records how long each
 * took in {@code target/console-scale.txt}; the times are measurements, not assertions.
 */
class ConsoleScaleIT {
  static final int KEYS = 100_000;
  static final int REVISIONS = 1_000;
  static final Path RESULTS = Path.of("target", "console-scale.txt");

  @TempDir Path temp;

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void aHundredThousandKeyPrefixAndAThousandRevisionHistoryOpen(ServerKind kind) throws Exception {
    try (MemberProcess member = MemberProcess.builder(kind).test("ConsoleScaleIT-" + kind).startReady();
        Client client = Clients.jetcd(member)) {
      seed(client);
      try (ConsoleProcess console = ConsoleProcess.start(temp.resolve("profiles.json"),
              "--endpoints", member.endpoint());
          Browser browser = new Browser()) {
        browser.open(console.url() + "keys");
        browser.screenshotOnFailure("scale-" + kind.name().toLowerCase());
        browser.clickCell("key-tree", "/");
        long t0 = System.nanoTime();
        browser.clickCell("key-tree", "big/");
        browser.awaitCell("key-tree", "k000000");
        long treeMs = (System.nanoTime() - t0) / 1_000_000;
        // The page holds 500 keys and a row that loads the next 500: go to the last row.
        browser.js("document.getElementById('key-tree').scrollToIndex(0, 0, 500)");
        browser.awaitCell("key-tree", "… more keys (next 500)");
        browser.awaitCell("key-tree", "k000499");

        browser.click("tab-list");
        long t1 = System.nanoTime();
        browser.type("key-search", "/big/");
        browser.awaitCell("key-list", "/big/k000000");
        browser.awaitText("key-count", t -> t.equals("100,000 keys match"));
        long listMs = (System.nanoTime() - t1) / 1_000_000;

        String key = Base64.getUrlEncoder().withoutPadding()
            .encodeToString("/hot/key".getBytes(StandardCharsets.UTF_8));
        long t2 = System.nanoTime();
        browser.open(console.url() + "history?key=" + key);
        browser.awaitText("history-summary", t -> t.startsWith(REVISIONS + " revisions of /hot/key"));
        long historyMs = (System.nanoTime() - t2) / 1_000_000;
        Matcher loaded = Pattern.compile("loaded in (\\d+) ms").matcher(browser.text("history-summary"));
        assertThat(loaded.find()).isTrue();
        browser.awaitText("history-diff", t -> t.contains("- value 999") && t.contains("+ value 1000"));
        browser.screenshot("scale-history-" + kind.name().toLowerCase());

        record(String.format("%s: open a 100,000-key prefix in the tree (first 500 rows) %d ms;"
                + " list with count %d ms; history of %d revisions %d ms in the page (%s ms to load)%n",
            kind, treeMs, listMs, REVISIONS, historyMs, loaded.group(1)));
      }
    }
  }

  /** 100,000 keys under /big/ in transactions of 100, eight in flight; /hot/key written 1,000 times. */
  private static void seed(Client client) throws Exception {
    Semaphore inFlight = new Semaphore(8);
    List<CompletableFuture<?>> pending = new ArrayList<>();
    List<Op> ops = new ArrayList<>();
    for (int i = 0; i < KEYS; i++) {
      ops.add(Op.put(bytes(String.format("/big/k%06d", i)), bytes("v" + i), PutOption.DEFAULT));
      if (ops.size() == 100) {
        inFlight.acquire();
        pending.add(client.getKVClient().txn().Then(ops.toArray(new Op[0])).commit()
            .whenComplete((r, e) -> inFlight.release()));
        ops = new ArrayList<>();
      }
    }
    CompletableFuture.allOf(pending.toArray(new CompletableFuture[0])).get();
    for (int v = 1; v <= REVISIONS; v++) {
      Clients.get(client.getKVClient().put(bytes("/hot/key"), bytes("value " + v)));
    }
  }

  private static void record(String line) throws IOException {
    System.out.print(line);
    Files.createDirectories(RESULTS.getParent());
    Files.writeString(RESULTS, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }
}
