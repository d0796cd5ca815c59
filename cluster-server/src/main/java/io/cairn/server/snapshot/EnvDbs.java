package io.cairn.server.snapshot;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import org.lmdbjava.CursorIterable;
import org.lmdbjava.Dbi;
import org.lmdbjava.Env;
import org.lmdbjava.Txn;

/**
 * The named databases of an environment, whatever they are: listed from LMDB's main database
 * inside the caller's transaction, so that a snapshot, a hash or a restore never assumes a fixed
 * set. Handles are opened once per environment and reused (opening a handle on a writable
 * environment takes a short write transaction).
 */
final class EnvDbs {
  private static final Map<Env<byte[]>, Map<String, Dbi<byte[]>>> HANDLES = new WeakHashMap<>();

  private EnvDbs() {}

  /**
   * Opens the handles of every named database that exists now. Call before opening the
   * transaction that will use them: a handle opened on a writable environment costs a write
   * transaction of its own.
   */
  static void prepare(Env<byte[]> env) {
    handle(env, null);
    for (byte[] name : env.getDbiNames()) {
      handle(env, new String(name, StandardCharsets.UTF_8));
    }
  }

  /** Names of the named databases visible in {@code txn}, in LMDB (byte) order. */
  static List<String> names(Env<byte[]> env, Txn<byte[]> txn) {
    Dbi<byte[]> main = handle(env, null);
    List<String> names = new ArrayList<>();
    try (CursorIterable<byte[]> it = main.iterate(txn)) {
      for (CursorIterable.KeyVal<byte[]> kv : it) {
        names.add(new String(kv.key(), StandardCharsets.UTF_8));
      }
    }
    return names;
  }

  /** A handle on the named database {@code name} (which must exist), or the main database. */
  static Dbi<byte[]> handle(Env<byte[]> env, String name) {
    String key = name == null ? "\u0000main" : name;
    synchronized (HANDLES) {
      Map<String, Dbi<byte[]>> byName = HANDLES.computeIfAbsent(env, e -> new HashMap<>());
      Dbi<byte[]> dbi = byName.get(key);
      if (dbi == null) {
        dbi =
            name == null
                ? env.openDbi((byte[]) null)
                : env.openDbi(name.getBytes(StandardCharsets.UTF_8));
        byName.put(key, dbi);
      }
      return dbi;
    }
  }

  /** Forgets the handles of a closed environment. */
  static void forget(Env<byte[]> env) {
    synchronized (HANDLES) {
      HANDLES.remove(env);
    }
  }
}
