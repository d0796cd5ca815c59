package io.cairn.console.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {

  @Test
  void readsNamesLabelsAndValuesAndSkipsHelpTypeAndBlankLines() {
    List<Sample> samples = PrometheusText.parse("""
        # HELP etcd_server_has_leader Whether or not a leader exists. 1 is existence, 0 is not.
        # TYPE etcd_server_has_leader gauge
        etcd_server_has_leader 1

        etcd_server_version{server_version="3.4.23"} 1
        grpc_server_started_total{grpc_method="Put",grpc_service="etcdserverpb.KV",grpc_type="unary"} 12
        """);

    assertThat(samples).containsExactly(
        new Sample("etcd_server_has_leader", 1),
        new Sample("etcd_server_version", Map.of("server_version", "3.4.23"), 1),
        new Sample("grpc_server_started_total",
            Map.of("grpc_method", "Put", "grpc_service", "etcdserverpb.KV", "grpc_type", "unary"), 12));
  }

  @Test
  void unescapesBackslashQuoteAndNewlineInLabelValues() {
    List<Sample> samples = PrometheusText.parse(
        "m{path=\"C:\\\\dir\",msg=\"say \\\"hi\\\"\",text=\"a\\nb\",jvm=\"G1 Eden Space\"} 2\n");

    assertThat(samples).singleElement().satisfies(s -> assertThat(s.labels()).containsExactlyInAnyOrderEntriesOf(
        Map.of("path", "C:\\dir", "msg", "say \"hi\"", "text", "a\nb", "jvm", "G1 Eden Space")));
  }

  @Test
  void readsInfinitiesNanExponentsAndSignedNumbers() {
    List<Sample> samples = PrometheusText.parse("""
        a_bucket{le="+Inf"} +Inf
        b -Inf
        c NaN
        d 1.0E-4
        e 2.147483648e+09
        f -3.5
        g 7
        """);

    assertThat(samples).extracting(Sample::value).containsExactly(Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY, Double.NaN, 1.0E-4, 2.147483648e9, -3.5, 7.0);
    assertThat(samples.get(0).label("le")).isEqualTo("+Inf");
  }

  @Test
  void acceptsAndDropsTimestampsAndToleratesCarriageReturnsTabsAndTrailingCommas() {
    List<Sample> samples = PrometheusText.parse(
        "a 1 1712345678901\r\nb{x=\"1\",} 2 -5\r\nc\t3\nd{} 4\n");

    assertThat(samples).containsExactly(new Sample("a", 1), new Sample("b", Map.of("x", "1"), 2),
        new Sample("c", 3), new Sample("d", 4));
  }

  @Test
  void skipsMalformedLinesAndKeepsTheGoodOnes() {
    List<Sample> samples = PrometheusText.parse("""
        good_before 1
        no_value
        bad_value abc
        java_suffix 1d
        hex_value 0x10
        {le="1"} 3
        9starts_with_digit 1
        unterminated{a="b 1
        unknown_escape{a="\\t"} 1
        duplicate_label{a="1",a="2"} 1
        missing_quote{a=b} 1
        trailing_junk 1 2 3
        bad_timestamp 1 12.5
        <html><body>502 Bad Gateway</body></html>
        good_after 2
        """);

    assertThat(samples).containsExactly(new Sample("good_before", 1), new Sample("good_after", 2));
  }

  @Test
  void nullEmptyAndGarbageGiveNoSamples() {
    assertThat(PrometheusText.parse(null)).isEmpty();
    assertThat(PrometheusText.parse("")).isEmpty();
    assertThat(PrometheusText.parse("\n\n# only a comment\n")).isEmpty();
    assertThat(PrometheusText.parse("\u0000\u0001{{{}}} \"\\")).isEmpty();
  }
}
