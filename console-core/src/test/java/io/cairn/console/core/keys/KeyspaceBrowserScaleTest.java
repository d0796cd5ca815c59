package io.cairn.console.core.keys;

import static io.cairn.server.testing.Clients.bytes;
import static io.cairn.server.testing.Clients.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.server.testing.ServerKind;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * 100,000 keys under 10 directories: opening the directory level costs a handful of range calls,
 * counted by the browser and by the server's own {@code grpc_server_started_total} for Range.
 */
class KeyspaceBrowserScaleTest {

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void aHundredThousandKeysUnderTenDirectoriesOpenInAFewRangeCalls(ServerKind kind)
      throws Exception {
    try (Members members = new Members(KeyspaceBrowserScaleTest.class)) {
      Client client = members.client(kind);
      List<Map.Entry<ByteSequence, ByteSequence>> entries = new ArrayList<>(100_000);
      for (int i = 0; i < 100_000; i++) {
        entries.add(new AbstractMap.SimpleEntry<>(
            bytes(String.format("big/d%d/k%06d", i % 10, i)), bytes("v")));
      }
      long t0 = System.nanoTime();
      Members.putAll(client, entries);
      long seedMs = (System.nanoTime() - t0) / 1_000_000;

      KeyspaceBrowser browser = new KeyspaceBrowser(client, "/");
      String metrics = members.member(kind).clientUrl() + "/metrics";
      long serverBefore = serverRangeCalls(metrics);
      long t1 = System.nanoTime();
      Page<TreeNode> dirs = get(browser.children(bytes("big/"), 0, null, 50));
      long dirsMicros = (System.nanoTime() - t1) / 1000;
      long serverCalls = serverRangeCalls(metrics) - serverBefore;
      long browserCalls = browser.rangeCalls();
      assertThat(dirs.items()).extracting(TreeNode::label)
          .containsExactly("d0/", "d1/", "d2/", "d3/", "d4/", "d5/", "d6/", "d7/", "d8/", "d9/");
      assertThat(dirs.more()).isFalse();
      assertThat(browserCalls).isLessThanOrEqualTo(11);
      assertThat(serverCalls).isEqualTo(browserCalls);

      long t2 = System.nanoTime();
      Page<TreeNode> leaves = get(browser.children(bytes("big/d3/"), dirs.revision(), null, 50));
      long leavesMicros = (System.nanoTime() - t2) / 1000;
      assertThat(leaves.items()).hasSize(50);
      assertThat(leaves.more()).isTrue();
      assertThat(browser.rangeCalls() - browserCalls).isEqualTo(1);
      long t3 = System.nanoTime();
      long count = get(browser.count(bytes("big/"), dirs.revision()));
      long countMicros = (System.nanoTime() - t3) / 1000;
      assertThat(count).isEqualTo(100_000);
      System.out.printf("[measure] %s: seeded 100,000 keys in %d ms; first page of children of the"
          + " 100,000-key prefix big/ (10 directories) %.1f ms in %d range calls; first page of a"
          + " 10,000-key directory %.1f ms; count of big/ %.1f ms%n", kind, seedMs,
          dirsMicros / 1000.0, browserCalls, leavesMicros / 1000.0, countMicros / 1000.0);
    }
  }

  /** The server's count of Range requests started, from its Prometheus metrics. */
  private static long serverRangeCalls(String url) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String body = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    return body.lines()
        .filter(l -> l.startsWith("grpc_server_started_total{") && l.contains("grpc_method=\"Range\""))
        .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }
}
