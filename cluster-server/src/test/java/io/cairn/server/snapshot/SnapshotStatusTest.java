package io.cairn.server.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SnapshotStatusTest {
  @Test
  void humanizesLikeGoHumanize() {
    assertThat(SnapshotStatus.bytes(0)).isEqualTo("0 B");
    assertThat(SnapshotStatus.bytes(9)).isEqualTo("9 B");
    assertThat(SnapshotStatus.bytes(999)).isEqualTo("999 B");
    assertThat(SnapshotStatus.bytes(1000)).isEqualTo("1.0 kB");
    assertThat(SnapshotStatus.bytes(20480)).isEqualTo("20 kB");
    assertThat(SnapshotStatus.bytes(24576)).isEqualTo("25 kB");
    assertThat(SnapshotStatus.bytes(2_097_152)).isEqualTo("2.1 MB");
    assertThat(SnapshotStatus.bytes(1_000_000)).isEqualTo("1.0 MB");
    // Go's %.0f rounds exact halves to even: 123.5 -> 124, 24.5 -> 24
    assertThat(SnapshotStatus.bytes(123_456_789)).isEqualTo("124 MB");
    assertThat(SnapshotStatus.bytes(24_500)).isEqualTo("24 kB");
    assertThat(SnapshotStatus.bytes(25_500)).isEqualTo("26 kB");
  }

  @Test
  void formatsLikeEtcdutl() {
    SnapshotStatus s = new SnapshotStatus(0xfe01cf57L, 10, 7, 2_097_152);
    assertThat(s.table())
        .isEqualTo(
            """
            +----------+----------+------------+------------+
            |   HASH   | REVISION | TOTAL KEYS | TOTAL SIZE |
            +----------+----------+------------+------------+
            | fe01cf57 |       10 |          7 |     2.1 MB |
            +----------+----------+------------+------------+
            """);
    assertThat(s.json())
        .isEqualTo("{\"hash\":4261531479,\"revision\":10,\"totalKey\":7,\"totalSize\":2097152}\n");
    assertThat(s.simple()).isEqualTo("fe01cf57, 10, 7, 2.1 MB\n");
    // %x: no leading zeros
    assertThat(new SnapshotStatus(0xabcL, 1, 0, 5).simple()).isEqualTo("abc, 1, 0, 5 B\n");
  }
}
