package io.cairn.server.jmh;

import io.cairn.server.mvcc.MvccStore;
import io.cairn.server.storage.Backend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

/** The benchmarks' store lifecycle: what a trial opened is closed and its directory removed. */
final class BenchStores {
  private BenchStores() {}

  static void closeAndDelete(MvccStore store, Backend backend, Path dir) throws IOException {
    store.close();
    backend.close();
    try (var walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
