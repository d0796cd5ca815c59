package io.cairn.console.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SeriesTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static Scrape at(int seconds, Sample... samples) {
    return new Scrape(T0.plusSeconds(seconds), "m1", List.of(samples));
  }

  private static List<Double> values(List<SeriesPoint> points) {
    return points.stream().map(SeriesPoint::value).toList();
  }

  @Test
  void gaugeSeriesSumsMatchingLabelsAndSkipsScrapesWithoutTheMetric() {
    List<Scrape> scrapes = List.of(
        at(0, new Sample("g", Map.of("a", "1"), 2), new Sample("g", Map.of("a", "2"), 3)),
        at(10),
        at(20, new Sample("g", Map.of("a", "1"), 4)));

    assertThat(Series.gaugeSeries(scrapes, "g", Map.of())).containsExactly(
        new SeriesPoint(T0, 5), new SeriesPoint(T0.plusSeconds(20), 4));
    assertThat(values(Series.gaugeSeries(scrapes, "g", Map.of("a", "2")))).containsExactly(3.0);
  }

  @Test
  void rateIsPerSecondOverTheWindowAndCountsARestartAsItsNewValue() {
    List<Scrape> scrapes = List.of(
        at(0, new Sample("c", 100)),
        at(10, new Sample("c", 150)),
        at(20, new Sample("c", 250)),
        at(30, new Sample("c", 20)), // restarted: 20 since the restart
        at(40, new Sample("c", 60)));

    List<SeriesPoint> oneStep = Series.rateSeries(scrapes, "c", Map.of(), Duration.ofSeconds(10));
    assertThat(values(oneStep)).containsExactly(5.0, 10.0, 2.0, 4.0);
    assertThat(oneStep.get(0).time()).isEqualTo(T0.plusSeconds(10));

    List<SeriesPoint> twoSteps = Series.rateSeries(scrapes, "c", Map.of(), Duration.ofSeconds(20));
    // at 20: (50+100)/20; at 30: (100+20)/20; at 40: (20+40)/20
    assertThat(values(twoSteps)).containsExactly(5.0, 7.5, 6.0, 3.0);
  }

  @Test
  void rateNeedsTwoScrapesInsideTheWindow() {
    List<Scrape> scrapes = List.of(at(0, new Sample("c", 1)), at(60, new Sample("c", 2)));
    assertThat(Series.rateSeries(scrapes, "c", Map.of(), Duration.ofSeconds(30))).isEmpty();
  }

  private static Scrape histogram(int seconds, double... cumulative) {
    String[] les = {"0.1", "0.2", "+Inf"};
    List<Sample> samples = new ArrayList<>();
    for (int i = 0; i < les.length; i++) {
      samples.add(new Sample("h_bucket", Map.of("le", les[i]), cumulative[i]));
    }
    return new Scrape(T0.plusSeconds(seconds), "m1", samples);
  }

  @Test
  void quantileSeriesUsesOnlyTheObservationsOfTheWindow() {
    List<Scrape> scrapes = List.of(
        histogram(0, 0, 0, 0),
        histogram(10, 10, 10, 10), // 10 fast ones
        histogram(20, 10, 20, 20), // 10 slow ones
        histogram(30, 10, 20, 20), // nothing
        histogram(40, 2, 2, 2)); // restarted: 2 fast ones

    List<SeriesPoint> p = Series.quantileSeries(scrapes, "h", Map.of(), 0.5, Duration.ofSeconds(10));
    assertThat(p).extracting(SeriesPoint::time).containsExactly(
        T0.plusSeconds(10), T0.plusSeconds(20), T0.plusSeconds(40));
    assertThat(p.get(0).value()).isCloseTo(0.05, within(1e-12));
    assertThat(p.get(1).value()).isCloseTo(0.15, within(1e-12));
    assertThat(p.get(2).value()).isCloseTo(0.05, within(1e-12));

    List<SeriesPoint> wide = Series.quantileSeries(scrapes, "h", Map.of(), 0.5, Duration.ofSeconds(20));
    // at 20: 10 fast + 10 slow, rank 10 is the last fast one.
    assertThat(wide.get(1).time()).isEqualTo(T0.plusSeconds(20));
    assertThat(wide.get(1).value()).isCloseTo(0.1, within(1e-12));
  }
}
