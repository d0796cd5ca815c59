package io.cairn.server.snapshot;

import com.google.protobuf.ByteString;
import io.cairn.server.mvcc.KeyRange;
import io.cairn.server.mvcc.MvccStore;
import io.cairn.server.mvcc.WriteBatch;
import io.cairn.server.storage.Backend;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** A real backend and store in a directory, with one-line writes. */
final class Stores implements AutoCloseable {
  final Path dataDir;
  final Backend backend;
  final MvccStore store;

  private Stores(Path dataDir) {
    this.dataDir = dataDir;
    this.backend = Backend.open(dataDir, 1L << 30);
    this.store = MvccStore.open(backend);
  }

  static Stores open(Path dataDir) {
    return new Stores(dataDir);
  }

  static ByteString bs(String s) {
    return ByteString.copyFrom(s, StandardCharsets.UTF_8);
  }

  Stores put(String k, String v) {
    try (WriteBatch b = store.beginBatch()) {
      b.begin().put(bs(k), bs(v), 0);
      b.commit();
    }
    return this;
  }

  Stores delete(String... keys) {
    try (WriteBatch b = store.beginBatch()) {
      var t = b.begin();
      for (String k : keys) {
        t.deleteRange(KeyRange.of(bs(k), ByteString.EMPTY));
      }
      b.commit();
    }
    return this;
  }

  /** Compacts at {@code rev}; waits for the rows to be gone when {@code physical}. */
  Stores compact(long rev, boolean physical) throws Exception {
    java.util.concurrent.CompletableFuture<Void> f;
    try (WriteBatch b = store.beginBatch()) {
      f = b.compact(rev);
      b.commit();
    }
    if (physical) {
      f.get(30, java.util.concurrent.TimeUnit.SECONDS);
    }
    return this;
  }

  @Override
  public void close() {
    store.close();
    backend.close();
  }
}
