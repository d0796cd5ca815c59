package io.cairn.server.it;

import static io.cairn.server.testing.Clients.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.server.testing.Clients;
import io.cairn.server.testing.Etcdctl;
import io.cairn.server.testing.MemberProcess;
import io.cairn.server.testing.Processes;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.maintenance.AlarmMember;
import io.etcd.jetcd.maintenance.AlarmType;
import io.etcd.jetcd.options.DeleteOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * {@code --quota-backend-bytes}: the NOSPACE alarm cycle, as an operator lives it. Fill the
 * store, see writes refused while reads go on, free space (delete, compact, defragment), disarm,
 * write again.
 */
class QuotaIT {
  private static final long QUOTA = 2_000_000;

  @Test
  void noSpaceAlarmBlocksWritesUntilSpaceIsFreedAndTheAlarmDisarmed(TestInfo info)
      throws Exception {
    try (MemberProcess m =
            MemberProcess.builder(info).args("--quota-backend-bytes=" + QUOTA).startReady();
        Client c = Clients.jetcd(m)) {
      ByteSequence big = ByteSequence.from(new byte[100_000]);
      int written = 0;
      Throwable refused = null;
      for (int i = 0; i < 100 && refused == null; i++) {
        try {
          c.getKVClient().put(bytes("fill/" + i), big).get();
          written++;
        } catch (ExecutionException e) {
          refused = e.getCause();
        }
      }
      assertThat(refused).as("a write past the quota is refused").isNotNull();
      assertThat(refused.getMessage()).contains("etcdserver: mvcc: database space exceeded");
      assertThat(written).isGreaterThan(5);

      List<AlarmMember> alarms = c.getMaintenanceClient().listAlarms().get().getAlarms();
      assertThat(alarms).extracting(AlarmMember::getAlarmType).containsExactly(AlarmType.NOSPACE);
      // Reads still work; so does /health's verdict: unhealthy.
      assertThat(c.getKVClient().get(bytes("fill/0")).get().getKvs()).hasSize(1);
      assertThat(curl(m.clientUrl() + "/health")).isEqualTo("{\"health\":\"false\"}");
      assertThat(Etcdctl.of(m).ok("alarm", "list")).contains("alarm:NOSPACE");
      // Small writes are refused too while the alarm is raised.
      assertThatThrownBy(() -> c.getKVClient().put(bytes("small"), bytes("x")).get())
          .hasMessageContaining("database space exceeded");

      // Free space: delete everything, compact physically, defragment.
      long rev =
          c.getKVClient().delete(bytes("fill/"), DeleteOption.builder().isPrefix(true).build())
              .get().getHeader().getRevision();
      c.getKVClient().compact(rev, io.etcd.jetcd.options.CompactOption.builder()
          .withCompactPhysical(true).build()).get();
      long before = c.getMaintenanceClient().statusMember(m.endpoint()).get().getDbSize();
      Etcdctl.of(m).ok("defrag");
      long after = c.getMaintenanceClient().statusMember(m.endpoint()).get().getDbSize();
      assertThat(after).as("defragmentation shrinks the file").isLessThan(before);
      // Still refused: the alarm stays until disarmed.
      assertThatThrownBy(() -> c.getKVClient().put(bytes("small"), bytes("x")).get())
          .hasMessageContaining("database space exceeded");

      assertThat(Etcdctl.of(m).ok("alarm", "disarm")).contains("alarm:NOSPACE");
      c.getKVClient().put(bytes("small"), bytes("x")).get();
      assertThat(c.getKVClient().get(bytes("small")).get().getKvs()).hasSize(1);
      assertThat(c.getMaintenanceClient().listAlarms().get().getAlarms()).isEmpty();
      assertThat(curl(m.clientUrl() + "/health")).isEqualTo("{\"health\":\"true\"}");
    }
  }

  @Test
  void theAlarmSurvivesARestart(TestInfo info) throws Exception {
    try (MemberProcess m =
        MemberProcess.builder(info).args("--quota-backend-bytes=" + QUOTA).startReady()) {
      try (Client c = Clients.jetcd(m)) {
        ByteSequence big = ByteSequence.from(new byte[100_000]);
        for (int i = 0; i < 100; i++) {
          try {
            c.getKVClient().put(bytes("fill/" + i), big).get();
          } catch (ExecutionException e) {
            break;
          }
        }
      }
      m.stop();
      m.restart().awaitReady();
      assertThat(Etcdctl.of(m).ok("alarm", "list")).contains("alarm:NOSPACE");
      assertThat(Etcdctl.of(m).fails("put", "k", "v"))
          .contains("etcdserver: mvcc: database space exceeded");
    }
  }

  private static String curl(String url) {
    return Processes.run(
            List.of("curl", "-sS", "--max-time", "10", url), Map.of(), null,
            Duration.ofSeconds(20))
        .stdout();
  }
}
