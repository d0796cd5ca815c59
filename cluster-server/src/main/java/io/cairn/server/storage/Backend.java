package io.cairn.server.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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

  private static final int MAX_DBS = 16;
  private static final int MAX_READERS = 4096;

  private final Path dir;
  private final Env<byte[]> env;
  private final Dbi<byte[]> meta;
  private final Dbi<byte[]> kv;
  private final List<Dbi<byte[]>> dbis = new CopyOnWriteArrayList<>();

  private Backend(Path dir, Env<byte[]> env) {
    this.dir = dir;
    this.env = env;
    this.meta = openDb(Schema.META);
    this.kv = openDb(Schema.KEY);
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
    Env<byte[]> env =
        Env.create(ByteArrayProxy.PROXY_BA)
            .setMapSize(mapSizeBytes)
            .setMaxDbs(MAX_DBS)
            .setMaxReaders(MAX_READERS)
            // NOTLS: read transactions are not tied to the thread that opened them, so gRPC
            // executor threads can share the reader table freely.
            .open(dir.toFile(), EnvFlags.MDB_NOTLS);
    return new Backend(dir, env);
  }

  public static boolean exists(Path dataDir) {
    return Files.exists(dataDir.resolve(DIR).resolve("data.mdb"));
  }

  public Path dir() {
    return dir;
  }

  public Env<byte[]> env() {
    return env;
  }

  public Dbi<byte[]> meta() {
    return meta;
  }

  public Dbi<byte[]> kv() {
    return kv;
  }

  /** Opens another named database in this environment (created when missing). */
  public synchronized Dbi<byte[]> openDb(String name) {
    Dbi<byte[]> dbi = env.openDbi(name, DbiFlags.MDB_CREATE);
    dbis.add(dbi);
    return dbi;
  }

  public Txn<byte[]> readTxn() {
    return env.txnRead();
  }

  public Txn<byte[]> writeTxn() {
    return env.txnWrite();
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
    Stat main = env.stat();
    long pages = main.branchPages + main.leafPages + main.overflowPages;
    try (Txn<byte[]> txn = env.txnRead()) {
      for (Dbi<byte[]> dbi : dbis) {
        Stat s = dbi.stat(txn);
        pages += s.branchPages + s.leafPages + s.overflowPages;
      }
    }
    // Two meta pages head every LMDB file.
    return (pages + 2) * main.pageSize;
  }

  /** Reads an 8-byte big-endian long from the meta database, or {@code dflt} when absent. */
  public long getLong(Txn<byte[]> txn, byte[] key, long dflt) {
    byte[] v = meta.get(txn, key);
    return v == null ? dflt : ByteBuffer.wrap(v).getLong();
  }

  public void putLong(Txn<byte[]> txn, byte[] key, long value) {
    meta.put(txn, key, ByteBuffer.allocate(8).putLong(value).array());
  }

  @Override
  public void close() {
    env.close();
  }
}
