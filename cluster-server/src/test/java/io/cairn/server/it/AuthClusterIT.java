package io.cairn.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.server.testing.ClusterProcesses;
import io.cairn.server.testing.Clients;
import io.cairn.server.testing.Etcdctl;
import io.cairn.server.testing.MemberProcess;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Authentication across a three-member cluster: users, roles and the auth flag replicate through
 * the log, and a token issued by one member is good on the others (simple tokens carry the log
 * index of the authentication, as etcd's do, so every member names them the same).
 */
class AuthClusterIT {
  @Test
  void usersRolesAndTokensHoldOnEveryMember(TestInfo info) throws Exception {
    try (ClusterProcesses c = ClusterProcesses.start(info, 3)) {
      Etcdctl first = Etcdctl.of(c.member(0));
      first.ok("user", "add", "root", "--new-user-password=rootpw", "--interactive=false");
      first.ok("user", "add", "app", "--new-user-password=apppw", "--interactive=false");
      first.ok("role", "add", "app-rw");
      first.ok("role", "grant-permission", "app-rw", "readwrite", "app/", "--prefix=true");
      first.ok("user", "grant-role", "app", "app-rw");
      first.ok("auth", "enable");
      for (MemberProcess m : c.members()) {
        Etcdctl ctl = Etcdctl.of(m);
        assertThat(ctl.fails("get", "app/x")).contains("etcdserver: user name is empty");
        ctl.ok("--user=app:apppw", "put", "app/" + m.name(), m.name());
        assertThat(ctl.fails("--user=app:apppw", "put", "other", "x"))
            .contains("etcdserver: permission denied");
        assertThat(ctl.fails("--user=app:wrong", "get", "app/x"))
            .contains("etcdserver: authentication failed, invalid user ID or password");
      }
      // One client, one token, requests spread over all three members.
      String endpoints = c.members().stream().map(MemberProcess::clientUrl)
          .collect(Collectors.joining(","));
      try (Client app = Client.builder().endpoints(endpoints.split(","))
          .user(bytes("app")).password(bytes("apppw")).build()) {
        for (int i = 0; i < 30; i++) {
          Clients.get(app.getKVClient().put(bytes("app/t" + i), bytes("v" + i)));
          assertThat(Clients.get(app.getKVClient().get(bytes("app/t" + i))).getKvs())
              .hasSize(1);
        }
      }
      assertThat(Etcdctl.of(c.member(2)).ok("--user=root:rootpw", "get", "app/", "--prefix",
          "--keys-only").lines().filter(l -> !l.isEmpty()).count()).isEqualTo(33);
    }
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }
}
