package io.cairn.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.server.testing.Clients;
import io.cairn.server.testing.Etcdctl;
import io.cairn.server.testing.MemberProcess;
import io.cairn.server.testing.ProcessResult;
import io.cairn.server.testing.Processes;
import io.cairn.server.testing.ServerKind;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/** Auth through jetcd and through the JSON gateway (curl), against the member under test. */
class AuthClientsIT {
  private static final Pattern TOKEN = Pattern.compile("\"token\":\"([^\"]+)\"");

  private static void setUp(MemberProcess m) {
    Etcdctl ctl = Etcdctl.of(m);
    ctl.ok("user", "add", "root", "--new-user-password=rootpw", "--interactive=false");
    ctl.ok("user", "add", "reader", "--new-user-password=readpw", "--interactive=false");
    ctl.ok("role", "add", "r-read");
    ctl.ok("role", "grant-permission", "r-read", "read", "k/", "--prefix");
    ctl.ok("user", "grant-role", "reader", "r-read");
    ctl.ok("auth", "enable");
    ctl.ok("--user=root:rootpw", "put", "k/a", "1");
  }

  private static ByteSequence b(String s) {
    return Clients.bytes(s);
  }

  @Test
  void jetcdUsersSeeWhatTheirRolesAllow(TestInfo info) throws Exception {
    try (MemberProcess m = MemberProcess.builder(info).startReady()) {
      setUp(m);
      try (Client reader = Client.builder().endpoints(m.clientUrl()).user(b("reader"))
              .password(b("readpw")).build();
          Client root = Client.builder().endpoints(m.clientUrl()).user(b("root"))
              .password(b("rootpw")).build();
          Client wrong = Client.builder().endpoints(m.clientUrl()).user(b("reader"))
              .password(b("nope")).build();
          Client anonymous = Clients.jetcd(m)) {
        assertThat(Clients.str(Clients.get(reader.getKVClient().get(b("k/a"))).getKvs().get(0)
            .getValue())).isEqualTo("1");
        assertThat(Clients.failure(reader.getKVClient().put(b("k/a"), b("2"))))
            .hasMessageContaining("etcdserver: permission denied");
        assertThat(Clients.failure(reader.getKVClient().get(b("other"))))
            .hasMessageContaining("etcdserver: permission denied");
        assertThat(Clients.failure(anonymous.getKVClient().get(b("k/a"))))
            .hasMessageContaining("etcdserver: user name is empty");
        // jetcd turns the refused authentication into a bare UNAUTHENTICATED.
        assertThat(Clients.failure(wrong.getKVClient().get(b("k/a")))).isNotNull();
        Clients.get(root.getKVClient().put(b("other"), b("x")));
        assertThat(Clients.get(root.getAuthClient().userList()).getUsers())
            .containsExactly("reader", "root");
        assertThat(Clients.failure(reader.getAuthClient().userList()))
            .hasMessageContaining("etcdserver: permission denied");
      }
    }
  }

  /** Cairn re-checks permission when it sends an event; etcd 3.4 keeps delivering. */
  @Test
  void revokingAPermissionStopsWatchDelivery(TestInfo info) throws Exception {
    try (MemberProcess m = MemberProcess.builder(info).startReady()) {
      setUp(m);
      try (Client reader = Client.builder().endpoints(m.clientUrl()).user(b("reader"))
              .password(b("readpw")).build();
          Client root = Client.builder().endpoints(m.clientUrl()).user(b("root"))
              .password(b("rootpw")).build()) {
        List<String> seen = new CopyOnWriteArrayList<>();
        Clients.get(reader.getKVClient().get(b("k/a")));
        try (Watch.Watcher w = reader.getWatchClient().watch(b("k/"),
            WatchOption.builder().isPrefix(true).build(),
            r -> r.getEvents().forEach(e -> seen.add(Clients.str(e.getKeyValue().getKey()))))) {
          Thread.sleep(500);
          Clients.get(root.getKVClient().put(b("k/1"), b("v")));
          long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
          while (!seen.contains("k/1") && System.nanoTime() < until) {
            Thread.sleep(50);
          }
          assertThat(seen).containsExactly("k/1");
          Clients.get(root.getAuthClient().roleRevokePermission(b("r-read"), b("k/"),
              b("k0")));
          Clients.get(root.getKVClient().put(b("k/2"), b("v")));
          Thread.sleep(1500);
          if (m.kind() == ServerKind.CAIRN) {
            assertThat(seen).containsExactly("k/1");
          } else {
            System.out.println("etcd delivered after revoke: " + seen);
          }
        }
      }
    }
  }

  @Test
  void gatewayTakesTheTokenInAuthorization(TestInfo info) {
    try (MemberProcess m = MemberProcess.builder(info).startReady()) {
      setUp(m);
      String base = "http://" + m.endpoint();
      String auth = curl(base + "/v3/auth/authenticate",
          "{\"name\":\"root\",\"password\":\"rootpw\"}", null);
      Matcher t = TOKEN.matcher(auth);
      assertThat(t.find()).as(auth).isTrue();
      String token = t.group(1);
      String put = curl(base + "/v3/kv/put", "{\"key\":\"Zm9v\",\"value\":\"YmFy\"}", token);
      assertThat(put).contains("\"revision\"").doesNotContain("error");
      String get = curl(base + "/v3/kv/range", "{\"key\":\"Zm9v\"}", token);
      assertThat(get).contains("\"value\":\"YmFy\"");
      assertThat(curl(base + "/v3/kv/range", "{\"key\":\"Zm9v\"}", null))
          .contains("etcdserver: user name is empty");
      assertThat(curl(base + "/v3/kv/range", "{\"key\":\"Zm9v\"}", "bogus.1"))
          .contains("etcdserver: invalid auth token");
      assertThat(curl(base + "/v3/auth/authenticate",
          "{\"name\":\"root\",\"password\":\"bad\"}", null))
          .contains("etcdserver: authentication failed, invalid user ID or password");
      String rtoken = tokenOf(curl(base + "/v3/auth/authenticate",
          "{\"name\":\"reader\",\"password\":\"readpw\"}", null));
      assertThat(curl(base + "/v3/kv/range", "{\"key\":\"Zm9v\"}", rtoken))
          .contains("etcdserver: permission denied");
      assertThat(curl(base + "/v3/auth/user/list", "{}", token)).contains("reader");
    }
  }

  private static String tokenOf(String body) {
    Matcher t = TOKEN.matcher(body);
    assertThat(t.find()).as(body).isTrue();
    return t.group(1);
  }

  private static String curl(String url, String body, String token) {
    List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "10", "-d", body));
    if (token != null) {
      cmd.addAll(List.of("-H", "Authorization: " + token));
    }
    cmd.add(url);
    ProcessResult r = Processes.run(cmd, Map.of(), null, Duration.ofSeconds(20));
    assertThat(r.exitCode()).as("%s", r).isZero();
    return r.stdout();
  }
}
