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
 * The MVCC store without the network: batched puts (one LMDB commit, so one fsync, per batch —
 * the group commit the apply loop does) and point reads from a keyspace of 100,000 keys. Run with
 * {@code bash tools/jmh.sh MvccBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class MvccBenchmark {
  private static final int KEYS = 100_000;

  @Param({"1", "64"})
  public int batch;

  private Path dir;
  private Backend backend;
  private MvccStore store;
  private final SplittableRandom random = new SplittableRandom(7);
  private final ByteString value = ByteString.copyFrom(new byte[256]);
  private ByteString[] keys;

  @Setup(Level.Trial)
  public void open() throws IOException {
    dir = Files.createTempDirectory("mvcc-bench");
    backend = Backend.open(dir, 4L << 30);
    store = MvccStore.open(backend);
    keys = new ByteString[KEYS];
    for (int i = 0; i < KEYS; i++) {
      keys[i] = ByteString.copyFromUtf8(String.format("key/%08d", i));
    }
    for (int i = 0; i < KEYS; i += 1000) {
      try (WriteBatch b = store.beginBatch()) {
        for (int j = i; j < i + 1000; j++) {
          b.begin().put(keys[j], value, 0);
        }
        b.commit();
      }
    }
  }

  @TearDown(Level.Trial)
  public void close() throws IOException {
    BenchStores.closeAndDelete(store, backend, dir);
  }

  /** Puts per second, {@code batch} puts per durable commit. */
  @Benchmark
  @org.openjdk.jmh.annotations.OperationsPerInvocation(64)
  public void put() {
    int commits = 64 / batch;
    for (int c = 0; c < commits; c++) {
      try (WriteBatch b = store.beginBatch()) {
        for (int i = 0; i < batch; i++) {
          b.begin().put(keys[random.nextInt(KEYS)], value, 0);
        }
        b.commit();
      }
    }
  }

  /** Point reads per second at the current revision. */
  @Benchmark
  public Object get() {
    return store.range(KeyRange.of(keys[random.nextInt(KEYS)], ByteString.EMPTY), 0, 0, false);
  }
}
