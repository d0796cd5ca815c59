package io.cairn.server.jmh;

import com.google.protobuf.ByteString;
import io.cairn.server.mvcc.KeyRange;
import io.cairn.server.mvcc.MvccStore;
import io.cairn.server.mvcc.WriteBatch;
import io.cairn.server.storage.Backend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What one single-key read costs the store: at the latest revision and at a past one, over a key
 * written {@code history} times among 10,000 other keys; and what a batch that writes nothing
 * costs the apply thread (the batch the Raft driver commits for a Ready that only carries a
 * ReadIndex answer or heartbeats, i.e. the price of a linearizable read's barrier). Run with
 * {@code bash tools/jmh.sh ReadPathBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class ReadPathBenchmark {
  private static final int OTHER_KEYS = 10_000;

  @Param({"1000"})
  public int history;

  private Path dir;
  private Backend backend;
  private MvccStore store;
  private final SplittableRandom random = new SplittableRandom(7);
  private final ByteString key = ByteString.copyFromUtf8("history/key");
  private long first;
  private long last;
  private long appliedIndex;

  @Setup(Level.Trial)
  public void open() throws IOException {
    dir = Files.createTempDirectory("read-path-bench");
    backend = Backend.open(dir, 1L << 30);
    store = MvccStore.open(backend);
    ByteString value = ByteString.copyFrom(new byte[64]);
    try (WriteBatch b = store.beginBatch()) {
      for (int i = 0; i < OTHER_KEYS; i++) {
        b.begin().put(ByteString.copyFromUtf8(String.format("other/%08d", i)), value, 0);
      }
      b.setConsistentIndex(++appliedIndex);
      b.commit();
    }
    for (int i = 0; i < history; i += 100) {
      try (WriteBatch b = store.beginBatch()) {
        for (int j = i; j < Math.min(history, i + 100); j++) {
          b.begin().put(key, value, 0);
        }
        b.setConsistentIndex(++appliedIndex);
        b.commit();
      }
    }
    last = store.currentRevision();
    first = last - history + 1;
  }

  @TearDown(Level.Trial)
  public void close() throws IOException {
    BenchStores.closeAndDelete(store, backend, dir);
  }

  /** One key at the latest revision. */
  @Benchmark
  public Object getLatest() {
    return store.range(KeyRange.of(key, ByteString.EMPTY), 0, 0, false);
  }

  /** One key at a random past revision within its history. */
  @Benchmark
  public Object getPast() {
    long rev = first + random.nextLong(history);
    return store.range(KeyRange.of(key, ByteString.EMPTY), rev, 0, false);
  }

  /** A batch that applies nothing: what the driver commits for a read-only Ready. */
  @Benchmark
  public void emptyBatch() {
    try (WriteBatch b = store.beginBatch()) {
      b.setConsistentIndex(appliedIndex);
      b.commit();
    }
  }
}
