package io.cairn.console.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HistogramsTest {
  private static final double INF = Double.POSITIVE_INFINITY;

  private static List<Bucket> buckets(double... boundCountPairs) {
    List<Bucket> out = new ArrayList<>();
    for (int i = 0; i < boundCountPairs.length; i += 2) {
      out.add(new Bucket(boundCountPairs[i], boundCountPairs[i + 1]));
    }
    return out;
  }

  @Test
  void interpolatesLinearlyInsideTheBucketHoldingTheRank() {
    // 10 observations <= 0.1, 30 <= 0.2, 40 in all. p50: rank 20, 10 of 20 into (0.1, 0.2].
    List<Bucket> b = buckets(0.1, 10, 0.2, 30, 0.4, 40, INF, 40);
    assertThat(Histograms.quantile(0.5, b).getAsDouble()).isCloseTo(0.15, within(1e-12));
    // p90: rank 36, 6 of 10 into (0.2, 0.4].
    assertThat(Histograms.quantile(0.9, b).getAsDouble()).isCloseTo(0.32, within(1e-12));
    // p100: rank 40 is reached first by the 0.4 bucket.
    assertThat(Histograms.quantile(1.0, b).getAsDouble()).isCloseTo(0.4, within(1e-12));
  }

  @Test
  void lowestBucketStartsAtZero() {
    // rank 5 of 10 in (0, 2].
    assertThat(Histograms.quantile(0.5, buckets(2, 10, INF, 10))).hasValue(1.0);
  }

  @Test
  void lowestBucketWithANonPositiveBoundAnswersTheBound() {
    assertThat(Histograms.quantile(0.1, buckets(-1, 5, 1, 10, INF, 10))).hasValue(-1.0);
    assertThat(Histograms.quantile(0.1, buckets(0, 5, 1, 10, INF, 10))).hasValue(0.0);
  }

  @Test
  void rankInTheInfBucketAnswersTheHighestFiniteBound() {
    assertThat(Histograms.quantile(0.99, buckets(0.5, 1, 1, 2, INF, 100))).hasValue(1.0);
  }

  @Test
  void emptyWhenPrometheusWouldAnswerNaN() {
    assertThat(Histograms.quantile(0.5, List.of())).isEmpty();
    assertThat(Histograms.quantile(0.5, buckets(1, 0, INF, 0))).as("no observations").isEmpty();
    assertThat(Histograms.quantile(0.5, buckets(1, 3, 2, 5))).as("no +Inf bucket").isEmpty();
    assertThat(Histograms.quantile(0.5, buckets(INF, 5))).as("only +Inf").isEmpty();
    assertThat(Histograms.quantile(Double.NaN, buckets(1, 3, INF, 3))).isEmpty();
    assertThat(Histograms.quantile(0, buckets(1, 0, 2, 4, INF, 4))).as("q=0 on an empty bucket").isEmpty();
  }

  @Test
  void quantilesOutsideZeroToOneAreInfinite() {
    assertThat(Histograms.quantile(-0.1, buckets(1, 3, INF, 3))).hasValue(Double.NEGATIVE_INFINITY);
    assertThat(Histograms.quantile(1.1, buckets(1, 3, INF, 3))).hasValue(INF);
  }

  @Test
  void unsortedDuplicateAndNonMonotonicBucketsAreNormalisedFirst() {
    // Sorted, the two 2s merged: (1, 4) (2, 6) (+Inf, 8).
    List<Bucket> b = buckets(INF, 8, 2, 3, 1, 4, 2, 3);
    // p50: rank 4 reached by bucket 1 (count 4): 0 + 1 * 4/4.
    assertThat(Histograms.quantile(0.5, b)).hasValue(1.0);
    // Non-monotonic: 0.2 reads 5 after 0.1 read 7; lifted to 7, so rank 7.5 falls in (0.2, 0.4].
    List<Bucket> torn = buckets(0.1, 7, 0.2, 5, 0.4, 8, INF, 8);
    assertThat(Histograms.quantile(7.5 / 8, torn).getAsDouble())
        .isCloseTo(0.2 + 0.2 * 0.5, within(1e-12));
  }

  @Test
  void bucketsSumOverLabelSetsMatchingTheFilter() {
    Scrape s = new Scrape(Instant.EPOCH, "m", List.of(
        new Sample("lat_bucket", Map.of("method", "Put", "le", "0.1"), 2),
        new Sample("lat_bucket", Map.of("method", "Put", "le", "+Inf"), 3),
        new Sample("lat_bucket", Map.of("method", "Range", "le", "0.1"), 5),
        new Sample("lat_bucket", Map.of("method", "Range", "le", "+Inf"), 9),
        new Sample("lat_count", Map.of("method", "Put"), 3),
        new Sample("other_bucket", Map.of("le", "0.1"), 100)));

    assertThat(Histograms.buckets(s, "lat", Map.of())).containsExactly(
        new Bucket(0.1, 7), new Bucket(INF, 12));
    assertThat(Histograms.buckets(s, "lat", Map.of("method", "Put"))).containsExactly(
        new Bucket(0.1, 2), new Bucket(INF, 3));
    assertThat(Histograms.buckets(s, "missing", Map.of())).isEmpty();
  }

  @Test
  void deltaSubtractsPerBoundAndTakesTheLaterValuesAfterAReset() {
    List<Bucket> before = buckets(0.1, 5, 1, 8, INF, 10);
    List<Bucket> after = buckets(0.1, 6, 1, 10, INF, 13);
    assertThat(Histograms.delta(before, after)).containsExactly(
        new Bucket(0.1, 1), new Bucket(1, 2), new Bucket(INF, 3));

    List<Bucket> restarted = buckets(0.1, 1, 1, 1, INF, 2);
    assertThat(Histograms.delta(before, restarted)).containsExactlyElementsOf(restarted);

    assertThat(Histograms.delta(List.of(), after)).containsExactlyElementsOf(after);
  }

  /**
   * A model that walks the observations one at a time: bucket i's n observations are taken to be
   * spread evenly over (lower, upper], the k-th at lower + (upper - lower) * k / n, and the quantile
   * at rank r lies on the straight line between the observation before r and the one at or after
   * it. Prometheus' closed formula must agree with it everywhere.
   */
  private static OptionalDouble walkingModel(double q, double[] bounds, long[] perBucket) {
    long total = 0;
    for (long n : perBucket) {
      total += n;
    }
    if (total == 0) {
      return OptionalDouble.empty();
    }
    double rank = q * total;
    long before = 0;
    int last = bounds.length - 1; // the +Inf bucket
    for (int i = 0; i < last; i++) {
      double lower = i == 0 ? 0 : bounds[i - 1];
      double upper = bounds[i];
      long n = perBucket[i];
      if (before + n < rank) {
        before += n;
        continue;
      }
      if (i == 0 && upper <= 0) {
        return OptionalDouble.of(upper);
      }
      if (n == 0) {
        return OptionalDouble.empty(); // rank 0 on an empty bucket: 0/0
      }
      double prevValue = lower;
      double prevRank = before;
      for (long k = 1; k <= n; k++) {
        double value = lower + (upper - lower) * k / n;
        if (before + k >= rank) {
          return OptionalDouble.of(prevValue + (value - prevValue) * (rank - prevRank));
        }
        prevValue = value;
        prevRank = before + k;
      }
    }
    return OptionalDouble.of(bounds[last - 1]);
  }

  @Test
  void agreesWithAnObservationWalkingModelOnSeededRandomHistograms() {
    Random random = new Random(20261124L);
    for (int run = 0; run < 5_000; run++) {
      int finite = 1 + random.nextInt(8);
      double[] bounds = new double[finite + 1];
      double bound = random.nextInt(4) == 0 ? -random.nextDouble() : random.nextDouble() * 0.01;
      for (int i = 0; i < finite; i++) {
        bounds[i] = bound;
        bound += 0.001 + random.nextDouble() * random.nextInt(1, 100) * 0.01;
      }
      bounds[finite] = INF;
      long[] perBucket = new long[finite + 1];
      List<Bucket> cumulative = new ArrayList<>();
      long sum = 0;
      for (int i = 0; i <= finite; i++) {
        perBucket[i] = random.nextInt(3) == 0 ? 0 : random.nextInt(50);
        sum += perBucket[i];
        cumulative.add(new Bucket(bounds[i], sum));
      }
      double q = switch (random.nextInt(6)) {
        case 0 -> 0.0;
        case 1 -> 1.0;
        case 2 -> 0.5;
        case 3 -> 0.99;
        default -> random.nextDouble();
      };

      OptionalDouble expected = walkingModel(q, bounds, perBucket);
      OptionalDouble actual = Histograms.quantile(q, cumulative);

      String what = "q=" + q + " buckets=" + cumulative;
      assertThat(actual.isPresent()).as(what).isEqualTo(expected.isPresent());
      if (expected.isPresent()) {
        assertThat(actual.getAsDouble()).as(what).isCloseTo(expected.getAsDouble(), within(1e-9));
      }
    }
  }
}
