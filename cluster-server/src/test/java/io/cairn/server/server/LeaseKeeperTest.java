package io.cairn.server.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LeaseKeeperTest {
  private static long prefix(long memberId) {
    return (memberId & 0xffffL) << 48;
  }

  @Test
  void idsCarryTheMemberPrefixAndTheClockEvenWhenThePrefixIsNegative() {
    long now = 1_764_000_000_000L;
    for (long member : new long[] {0x8e9e05c52164694dL, 0x98d24e1898a4bdcfL}) {
      long first = LeaseKeeper.candidateId(prefix(member), now, 0);
      assertThat(first).isPositive();
      assertThat(first >>> 48).isEqualTo((member & 0xffffL) & 0x7fffL);
      assertThat(first & 0xffff_ffff_ffffL).isEqualTo((now << 8) & 0xffff_ffff_ffffL);
      long second = LeaseKeeper.candidateId(prefix(member), now, first);
      assertThat(second).isEqualTo(first + 1);
    }
  }
}
