package io.cairn.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.server.testing.Etcdctl;
import io.cairn.server.testing.MemberProcess;
import io.cairn.server.testing.ProcessResult;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * {@code etcdctl check perf}: etcd's own smoke benchmark runs against Cairn from start to finish
 * (the smallest load, 60 s). Its PASS/FAIL verdicts depend on the machine, so the test checks
 * that the tool completes its run and reports all four measurements, not the verdicts.
 */
class EtcdctlCheckPerfIT {
  @Test
  void checkPerfRunsToTheEnd(TestInfo info) {
    try (MemberProcess m = MemberProcess.builder(info).startReady()) {
      ProcessResult r =
          Etcdctl.of(m).withCommandTimeout(Duration.ofSeconds(120)).run("check", "perf",
              "--load=s");
      String out = r.stdout() + r.stderr();
      assertThat(out).contains("Throughput is", "Slowest request took", "Stddev is");
      assertThat(out).doesNotContain("Error:");
    }
  }
}
