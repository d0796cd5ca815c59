package io.cairn.console.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.server.testing.Etcdctl;
import io.cairn.server.testing.MemberProcess;
import io.cairn.server.testing.ServerKind;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The parser against what real members print, Cairn and the etcd it must match. */
class PrometheusTextRealServersTest {

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void everySampleLineOfARealMemberParses(ServerKind kind, TestInfo testInfo) throws Exception {
    try (MemberProcess m = MemberProcess.builder(kind).test(testInfo).startReady()) {
      Etcdctl.of(m).ok("put", "k", "v");
      String text = new HttpTextSource().fetch(m.clientUrl());

      List<Sample> samples = PrometheusText.parse(text);

      long sampleLines = text.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).count();
      assertThat(sampleLines).isGreaterThan(100);
      assertThat(samples).hasSize((int) sampleLines);
      Scrape scrape = new Scrape(java.time.Instant.now(), m.clientUrl(), samples);
      assertThat(scrape.value("etcd_server_has_leader")).hasValue(1);
      assertThat(scrape.value("etcd_server_quota_backend_bytes")).hasValue(2.147483648e9);
      assertThat(scrape.value("etcd_mvcc_db_total_size_in_bytes").orElseThrow()).isPositive();
      assertThat(scrape.value("etcd_disk_wal_fsync_duration_seconds_bucket", Map.of("le", "+Inf")))
          .hasValue(scrape.value("etcd_disk_wal_fsync_duration_seconds_count").orElseThrow());
      assertThat(Histograms.buckets(scrape, "etcd_disk_wal_fsync_duration_seconds", Map.of()))
          .last().satisfies(b -> assertThat(b.upperBound()).isInfinite());
    }
  }
}
