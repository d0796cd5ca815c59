package io.cairn.console.core.keys;

import static io.cairn.server.testing.Clients.bytes;
import static io.cairn.server.testing.Clients.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.server.testing.ServerKind;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.GetOption;
import java.io.ByteArrayOutputStream;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The keyspace browser against a real Cairn member and a real etcd. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeyspaceBrowserTest {
  private final Members members = new Members(KeyspaceBrowserTest.class);

  @AfterAll
  void close() {
    members.close();
  }

  /**
   * Oracle: 3,000 keys of random depth with binary, non-UTF-8, 0xff-ending and empty segments and
   * keys ending with the separator; walking every directory page by page with small limits gives
   * exactly the children a naive in-memory model computes from a full read of the same revision.
   */
  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void walkingTheTreeInSmallPagesEqualsANaiveModel(ServerKind kind) {
    Client client = members.client(kind);
    Random rnd = new Random(7);
    Map<ByteSequence, ByteSequence> seeded = new LinkedHashMap<>();
    while (seeded.size() < 3000) {
      seeded.put(ByteSequence.from(randomKey(rnd)), bytes("v"));
    }
    Members.putAll(client, new ArrayList<>(seeded.entrySet()));
    // The model is built from every key at one revision (other tests' keys included).
    var all = get(client.getKVClient().get(ByteSequence.from(new byte[] {0}),
        GetOption.builder().withRange(ByteSequence.from(new byte[] {0})).withKeysOnly(true).build()));
    long revision = all.getHeader().getRevision();
    List<byte[]> keys = all.getKvs().stream().map(kv -> kv.getKey().getBytes()).toList();
    assertThat(keys.size()).isGreaterThanOrEqualTo(3000);

    KeyspaceBrowser browser = new KeyspaceBrowser(client, "/");
    List<byte[]> dirs = new ArrayList<>();
    dirs.add(new byte[0]);
    int walked = 0;
    while (!dirs.isEmpty()) {
      byte[] parent = dirs.remove(dirs.size() - 1);
      List<TreeNode> got = walk(browser, parent, revision, rnd);
      assertThat(got).as("children of %s", Arrays.toString(parent)).isEqualTo(model(keys, parent));
      got.stream().filter(TreeNode::directory).forEach(n -> dirs.add(n.key().getBytes()));
      walked++;
    }
    assertThat(walked).isGreaterThan(50);
  }

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void pagesPinnedToARevisionIgnoreLaterWrites(ServerKind kind) {
    Client client = members.client(kind);
    KeyspaceBrowser browser = new KeyspaceBrowser(client, "/");
    for (String k : List.of("pin/b", "pin/c", "pin/d/x", "pin/e", "pin/f")) {
      get(client.getKVClient().put(bytes(k), bytes("old")));
    }
    Page<TreeNode> first = get(browser.children(bytes("pin/"), 0, null, 2));
    assertThat(first.items()).extracting(TreeNode::label).containsExactly("b", "c");
    assertThat(first.more()).isTrue();
    long pinned = first.revision();

    get(client.getKVClient().put(bytes("pin/cc"), bytes("new")));
    get(client.getKVClient().delete(bytes("pin/e")));
    get(client.getKVClient().put(bytes("pin/b"), bytes("new")));
    get(client.getKVClient().put(bytes("pin/zz"), bytes("new")));

    Page<TreeNode> second = get(browser.children(bytes("pin/"), pinned, first.nextCursor(), 2));
    assertThat(second.items()).extracting(TreeNode::label).containsExactly("d/", "e");
    assertThat(second.revision()).isEqualTo(pinned);
    Page<TreeNode> third = get(browser.children(bytes("pin/"), pinned, second.nextCursor(), 2));
    assertThat(third.items()).extracting(TreeNode::label).containsExactly("f");
    assertThat(third.more()).isFalse();

    assertThat(get(browser.count(bytes("pin/"), pinned))).isEqualTo(5);
    assertThat(get(browser.count(bytes("pin/"), 0))).isEqualTo(6);
    assertThat(get(browser.get(bytes("pin/b"), pinned)).orElseThrow().value()).isEqualTo(bytes("old"));
    assertThat(get(browser.get(bytes("pin/e"), 0))).isEmpty();
    Page<TreeNode> latest = get(browser.children(bytes("pin/"), 0, null, 10));
    assertThat(latest.items()).extracting(TreeNode::label)
        .containsExactly("b", "c", "cc", "d/", "f", "zz");
    assertThat(latest.revision()).isGreaterThan(pinned);
  }

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void aKeyEqualToItsDirectoryIsALeafLabelledItself(ServerKind kind) {
    Client client = members.client(kind);
    KeyspaceBrowser browser = new KeyspaceBrowser(client, "/");
    get(client.getKVClient().put(bytes("self/"), bytes("1")));
    get(client.getKVClient().put(bytes("self/x"), bytes("2")));
    get(client.getKVClient().put(bytes("self/y/z"), bytes("3")));
    assertThat(get(browser.children(bytes("self/"), 0, null, 10)).items()).containsExactly(
        new TreeNode(bytes("self/"), TreeNode.ITSELF, false),
        new TreeNode(bytes("self/x"), "x", false),
        new TreeNode(bytes("self/y/"), "y/", true));
    Page<TreeNode> one = get(browser.children(bytes("self/"), 0, null, 1));
    Page<TreeNode> two = get(browser.children(bytes("self/"), one.revision(), one.nextCursor(), 1));
    assertThat(two.items()).extracting(TreeNode::label).containsExactly("x");
  }

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void listPagesThroughAPrefixWithKeysOnlyAndRevisions(ServerKind kind) {
    Client client = members.client(kind);
    KeyspaceBrowser browser = new KeyspaceBrowser(client, "/");
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      keys.add(String.format("list/%02d/%s", i % 10, i));
    }
    Members.putAll(client, keys.stream()
        .map(k -> (Map.Entry<ByteSequence, ByteSequence>) new AbstractMap.SimpleEntry<>(bytes(k), bytes("v" + k)))
        .toList());
    get(client.getKVClient().put(bytes("lisu"), bytes("outside")));
    List<String> seen = new ArrayList<>();
    Page<KeyDetails> page = get(browser.list(bytes("list/"), 0, null, 7));
    long revision = page.revision();
    int pages = 1;
    while (true) {
      for (KeyDetails d : page.items()) {
        seen.add(d.key().toString());
        assertThat(d.value().isEmpty()).isTrue();
        assertThat(d.modRevision()).isPositive().isLessThanOrEqualTo(revision);
        assertThat(d.createRevision()).isEqualTo(d.modRevision());
        assertThat(d.version()).isEqualTo(1);
      }
      if (!page.more()) {
        break;
      }
      page = get(browser.list(bytes("list/"), revision, page.nextCursor(), 7));
      pages++;
    }
    assertThat(seen).isEqualTo(keys.stream().sorted().toList());
    assertThat(pages).isEqualTo(5);
    assertThat(get(browser.get(bytes("list/03/3"), 0)).orElseThrow().value())
        .isEqualTo(bytes("vlist/03/3"));
  }

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void putDeleteAndCountWithAndWithoutPrefix(ServerKind kind) {
    Client client = members.client(kind);
    KeyspaceBrowser browser = new KeyspaceBrowser(client, "/");
    long lease = get(client.getLeaseClient().grant(600)).getID();
    long rev = get(browser.put(bytes("pd/a"), bytes("1"), lease));
    KeyDetails a = get(browser.get(bytes("pd/a"), 0)).orElseThrow();
    assertThat(a.modRevision()).isEqualTo(rev);
    assertThat(a.lease()).isEqualTo(lease);
    get(browser.put(bytes("pd/ab"), bytes("2"), 0));
    get(browser.put(bytes("pd/b/c"), bytes("3"), 0));
    get(browser.put(bytes("pe"), bytes("4"), 0));

    assertThat(get(browser.countPrefix(bytes("pd/a"), false))).isEqualTo(1);
    assertThat(get(browser.countPrefix(bytes("pd/a"), true))).isEqualTo(2);
    assertThat(get(browser.countPrefix(bytes("pd/"), true))).isEqualTo(3);
    assertThat(get(browser.delete(bytes("pd/a"), false))).isEqualTo(1);
    assertThat(get(browser.countPrefix(bytes("pd/"), true))).isEqualTo(2);
    assertThat(get(browser.delete(bytes("pd/"), true))).isEqualTo(2);
    assertThat(get(browser.count(bytes("pd/"), 0))).isZero();
    assertThat(get(browser.get(bytes("pe"), 0))).isPresent();
    assertThat(get(browser.delete(bytes("pd/none"), false))).isZero();
  }

  private static List<TreeNode> walk(KeyspaceBrowser b, byte[] parent, long rev, Random rnd) {
    List<TreeNode> out = new ArrayList<>();
    ByteSequence after = null;
    while (true) {
      Page<TreeNode> p = get(b.children(ByteSequence.from(parent), rev, after, 1 + rnd.nextInt(6)));
      assertThat(p.revision()).isEqualTo(rev);
      out.addAll(p.items());
      if (!p.more()) {
        return out;
      }
      after = p.nextCursor();
    }
  }

  /** The naive model: split every key under {@code parent} at its first separator. */
  private static List<TreeNode> model(List<byte[]> keys, byte[] parent) {
    TreeMap<byte[], TreeNode> children = new TreeMap<>(Arrays::compareUnsigned);
    for (byte[] k : keys) {
      if (k.length < parent.length || !Arrays.equals(k, 0, parent.length, parent, 0, parent.length)) {
        continue;
      }
      if (k.length == parent.length) {
        children.put(k, new TreeNode(ByteSequence.from(k), TreeNode.ITSELF, false));
        continue;
      }
      int sep = -1;
      for (int i = parent.length; i < k.length; i++) {
        if (k[i] == '/') {
          sep = i;
          break;
        }
      }
      byte[] child = sep < 0 ? k : Arrays.copyOf(k, sep + 1);
      String label = io.cairn.console.core.values.ValueRenderer.displayKey(
          Arrays.copyOfRange(child, parent.length, child.length));
      children.put(child, new TreeNode(ByteSequence.from(child), label, sep >= 0));
    }
    return new ArrayList<>(children.values());
  }

  private static final String[] WORDS = {"app", "db", "svc", "x", "config"};

  private static byte[] randomKey(Random rnd) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int depth = 1 + rnd.nextInt(4);
    for (int d = 0; d < depth; d++) {
      if (d > 0) {
        out.write('/');
      }
      int kind = rnd.nextInt(10);
      if (kind < 6) {
        out.writeBytes(WORDS[rnd.nextInt(WORDS.length)].getBytes());
      } else if (kind < 8) {
        byte[] b = new byte[1 + rnd.nextInt(3)];
        rnd.nextBytes(b);
        out.writeBytes(b);
      } else if (kind == 8) {
        out.writeBytes(new byte[] {'z', (byte) 0xff, (byte) 0xff});
      } // kind 9: an empty segment ("a//b")
    }
    out.writeBytes(String.valueOf(rnd.nextInt(40)).getBytes());
    if (rnd.nextInt(20) == 0) {
      out.write('/');
    }
    return out.toByteArray();
  }
}
