package io.cairn.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GoFloatTest {
  @Test
  void formatsLikeGoStrconvShortestG() {
    assertThat(GoFloat.format(0.001)).isEqualTo("0.001");
    assertThat(GoFloat.format(0.0001)).isEqualTo("0.0001");
    assertThat(GoFloat.format(0.00001)).isEqualTo("1e-05");
    assertThat(GoFloat.format(8.192)).isEqualTo("8.192");
    assertThat(GoFloat.format(3.2768)).isEqualTo("3.2768");
    assertThat(GoFloat.format(1)).isEqualTo("1");
    assertThat(GoFloat.format(0)).isEqualTo("0");
    assertThat(GoFloat.format(-1)).isEqualTo("-1");
    assertThat(GoFloat.format(0.5)).isEqualTo("0.5");
    assertThat(GoFloat.format(100)).isEqualTo("100");
    assertThat(GoFloat.format(100000)).isEqualTo("100000");
    assertThat(GoFloat.format(1048576)).isEqualTo("1.048576e+06");
    assertThat(GoFloat.format(2.4829952e7)).isEqualTo("2.4829952e+07");
    assertThat(GoFloat.format(1e21)).isEqualTo("1e+21");
    assertThat(GoFloat.format(0.1 + 0.2)).isEqualTo("0.30000000000000004");
    assertThat(GoFloat.format(1.5e-7)).isEqualTo("1.5e-07");
    assertThat(GoFloat.format(-0.25)).isEqualTo("-0.25");
    assertThat(GoFloat.format(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
    assertThat(GoFloat.format(Double.NEGATIVE_INFINITY)).isEqualTo("-Inf");
    assertThat(GoFloat.format(Double.NaN)).isEqualTo("NaN");
    assertThat(GoFloat.format(1.6986e9)).isEqualTo("1.6986e+09");
  }
}
