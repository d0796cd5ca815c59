package io.cairn.server.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.lmdbjava.ByteArrayProxy;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.Stat;
import org.lmdbjava.Txn;

/**
 * The member's LMDB environment and its named databases. See {@code package-info.java} for the
 * layout. Every committed write transaction is fsynced by LMDB before {@code commit()} returns,
 * which is what makes an acknowledged write durable.
 */
public final class Backend implements AutoCloseable {
  /** Directory below the data dir that holds the LMDB files. */
  public static final String DIR = "member/lmdb";
  private static final String DEFRAG_DIR = "member/lmdb.defrag";

  private static final int MAX_DBS = 16;
  private static final int MAX_READERS = 4096;

  private final Path dir;
  private final long mapSizeBytes;
  private final Gate gate = new Gate();
  private final Map<String, Dbi<byte[]>> dbis = new ConcurrentHashMap<>();
  // Replaced, with every Dbi, by defragmentation; read only by gate users.
  private volatile Env<byte[]> env;

  private Backend(Path dir, long mapSizeBytes) {
    this.dir = dir;
    this.mapSizeBytes = mapSizeBytes;
    this.env = openEnv(dir, mapSizeBytes);
    openDb(Schema.META);
    openDb(Schema.KEY);
  }

  private static Env<byte[]> openEnv(Path dir, long mapSizeBytes) {
    return Env.create(ByteArrayProxy.PROXY_BA)
        .setMapSize(mapSizeBytes)
        .setMaxDbs(MAX_DBS)
        .setMaxReaders(MAX_READERS)
        // NOTLS: read transactions are not tied to the thread that opened them, so gRPC
        // executor threads can share the reader table freely.
        .open(dir.toFile(), EnvFlags.MDB_NOTLS);
  }

  /**
   * Opens (creating when missing) the environment below {@code dataDir}. The map size is an upper
   * bound of address space, not disk: the file grows only as pages are used.
   */
  public static Backend open(Path dataDir, long mapSizeBytes) {
    Path dir = dataDir.resolve(DIR);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
    }
    deleteTree(dataDir.resolve(DEFRAG_DIR));
    return new Backend(dir, mapSizeBytes);
  }

  public static boolean exists(Path dataDir) {
    return Files.exists(dataDir.resolve(DIR).resolve("data.mdb"));
  }

  public Path dir() {
    return dir;
  }

  /**
   * The environment itself, for offline tools (restore). A running member uses {@link #withEnv},
   * which holds back defragmentation.
   */
  public Env<byte[]> env() {
    return env;
  }

  public Dbi<byte[]> meta() {
    return dbis.get(Schema.META);
  }

  public Dbi<byte[]> kv() {
    return dbis.get(Schema.KEY);
  }

  /**
   * Opens another named database in this environment (created when missing). Call before any
   * transaction is open on this thread. Look it up again with {@link #db} at each use: a
   * defragmentation replaces every handle.
   */
  public synchronized Dbi<byte[]> openDb(String name) {
    return dbis.computeIfAbsent(name, this::openDbi);
  }

  /**
   * LMDB orders keys as unsigned bytes; lmdbjava's iterators decide where a {@code KeyRange} ends
   * with a Java comparator that is signed unless the database is opened with
   * {@code MDB_UNSIGNEDKEY} (a Java-side flag, not stored in the file). Without it a range whose
   * bound has a byte of 0x80 or more stops early (revision 200, log index 5000...).
   */
  private Dbi<byte[]> openDbi(String name) {
    return env.openDbi(name, DbiFlags.MDB_CREATE, DbiFlags.MDB_UNSIGNEDKEY);
  }

  /** The handle of a database opened with {@link #openDb}. */
  public Dbi<byte[]> db(String name) {
    Dbi<byte[]> d = dbis.get(name);
    if (d == null) {
      throw new IllegalStateException("database " + name + " was not opened");
    }
    return d;
  }

  /** A transaction that holds back defragmentation until it is closed. */
  public abstract class Scope implements AutoCloseable {
    private final Txn<byte[]> txn;

    private Scope(boolean write) {
      gate.enter();
      try {
        txn = write ? env.txnWrite() : env.txnRead();
      } catch (RuntimeException e) {
        gate.exit();
        throw e;
      }
    }

    public Txn<byte[]> txn() {
      return txn;
    }

    @Override
    public void close() {
      try {
        txn.close();
      } finally {
        gate.exit();
      }
    }
  }

  /** A read transaction. */
  public final class Read extends Scope {
    private Read() {
      super(false);
    }
  }

  /** A write transaction. */
  public final class Write extends Scope {
    private Write() {
      super(true);
    }

    /** Commits; LMDB fsyncs before returning. */
    public void commit() {
      txn().commit();
    }
  }

  public Read read() {
    return new Read();
  }

  public Write write() {
    return new Write();
  }

  /**
   * Runs {@code body} with the environment itself (copies, statistics) while holding back
   * defragmentation.
   */
  public <T> T withEnv(java.util.function.Function<Env<byte[]>, T> body) {
    gate.enter();
    try {
      return body.apply(env);
    } finally {
      gate.exit();
    }
  }

  /**
   * Rewrites the database file without its free pages (etcd's defragmentation), then reopens it.
   * Waits for open transactions to finish and holds new ones back meanwhile. Crash-safe: the
   * compacted copy replaces the file by an atomic rename, and a leftover copy is removed on open.
   */
  public void defragment() throws IOException, InterruptedException {
    Path tmp = dir.getParent().resolve("lmdb.defrag");
    gate.close();
    try {
      deleteTree(tmp);
      Files.createDirectories(tmp);
      env.copy(tmp.toFile(), org.lmdbjava.CopyFlags.MDB_CP_COMPACT);
      try (var ch = java.nio.channels.FileChannel.open(tmp.resolve("data.mdb"),
          java.nio.file.StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      List<String> names = List.copyOf(dbis.keySet());
      env.close();
      Files.move(tmp.resolve("data.mdb"), dir.resolve("data.mdb"),
          java.nio.file.StandardCopyOption.ATOMIC_MOVE,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      deleteTree(tmp);
      env = openEnv(dir, mapSizeBytes);
      dbis.clear();
      for (String n : names) {
        dbis.put(n, openDbi(n));
      }
    } finally {
      gate.open();
    }
  }

  private static void deleteTree(Path p) {
    if (!Files.exists(p)) {
      return;
    }
    try (var walk = Files.walk(p)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove " + p + ": " + e.getMessage(), e);
    }
  }

  /** Size of the database file on disk: etcd's {@code db size}. */
  public long fileSizeBytes() {
    try {
      return Files.size(dir.resolve("data.mdb"));
    } catch (IOException e) {
      return 0;
    }
  }

  /**
   * Bytes of the pages that hold data: etcd's {@code db size in use}. Counted from the page
   * statistics of every named database plus LMDB's main database; free pages are what remains of
   * the file.
   */
  public long inUseBytes() {
    try (Read r = read()) {
      Stat main = env.stat();
      long pages = main.branchPages + main.leafPages + main.overflowPages;
      for (Dbi<byte[]> dbi : dbis.values()) {
        Stat s = dbi.stat(r.txn());
        pages += s.branchPages + s.leafPages + s.overflowPages;
      }
      // Two meta pages head every LMDB file.
      return (pages + 2) * main.pageSize;
    }
  }

  /** Reads an 8-byte big-endian long from the meta database, or {@code dflt} when absent. */
  public long getLong(Txn<byte[]> txn, byte[] key, long dflt) {
    byte[] v = meta().get(txn, key);
    return v == null ? dflt : ByteBuffer.wrap(v).getLong();
  }

  public void putLong(Txn<byte[]> txn, byte[] key, long value) {
    meta().put(txn, key, ByteBuffer.allocate(8).putLong(value).array());
  }

  @Override
  public void close() {
    env.close();
  }
}
