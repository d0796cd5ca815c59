package io.cairn.server.snapshot;

import com.google.protobuf.ByteString;
import io.cairn.server.storage.Schema;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.lmdbjava.ByteArrayProxy;
import org.lmdbjava.CursorIterable;
import org.lmdbjava.Dbi;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.EnvInfo;
import org.lmdbjava.LmdbException;
import org.lmdbjava.Txn;

/**
 * A snapshot file on disk: checks it and reads it without a member.
 *
 * <p>Format: an LMDB data file (a multiple of 512 bytes; LMDB pages are 4096) optionally followed
 * by the SHA-256 of everything before it (32 bytes). As in etcd, a file whose length modulo 512 is
 * 32 has the trailer; one that is a multiple of 512 is a bare database (for example {@code
 * data.mdb} copied out of a data dir), accepted only with {@code --skip-hash-check}.
 */
public final class SnapshotFile {
  private static final int MAX_DBS = 64;

  private final Path path;
  private final long fileSize;
  private final long contentSize;
  private final boolean hasTrailer;

  private SnapshotFile(Path path, long fileSize, long contentSize, boolean hasTrailer) {
    this.path = path;
    this.fileSize = fileSize;
    this.contentSize = contentSize;
    this.hasTrailer = hasTrailer;
  }

  public Path path() {
    return path;
  }

  /** Bytes of database content (the file without its trailer). */
  public long contentSize() {
    return contentSize;
  }

  public long fileSize() {
    return fileSize;
  }

  public boolean hasTrailer() {
    return hasTrailer;
  }

  /**
   * Opens {@code path} and checks its trailer: the stored SHA-256 must match the content. A file
   * without trailer is refused unless {@code skipHashCheck}; with it, a trailer that is present
   * is still cut off but not compared (etcd's behaviour).
   */
  public static SnapshotFile verify(Path path, boolean skipHashCheck) {
    long size;
    try {
      size = Files.size(path);
    } catch (NoSuchFileException e) {
      throw new SnapshotException("open " + path + ": no such file or directory");
    } catch (IOException e) {
      throw new SnapshotException("cannot read " + path + ": " + e.getMessage(), e);
    }
    if (Files.isDirectory(path)) {
      throw new SnapshotException("read " + path + ": is a directory");
    }
    boolean trailer = size % 512 == DbSnapshot.TRAILER;
    long content = trailer ? size - DbSnapshot.TRAILER : size;
    if (!trailer && !skipHashCheck) {
      if (size % 512 != 0) {
        throw new SnapshotException(
            "snapshot file " + path + " is truncated or damaged: its size (" + size
                + " bytes) is neither a multiple of 512 nor a multiple of 512 plus the 32-byte"
                + " sha256 trailer");
      }
      throw new SnapshotException("snapshot missing hash but --skip-hash-check=false");
    }
    if (content < 2 * 4096L) {
      throw new SnapshotException(
          "snapshot file " + path + " is truncated: " + size + " bytes is too small for a database");
    }
    SnapshotFile f = new SnapshotFile(path, size, content, trailer);
    if (trailer && !skipHashCheck) {
      f.checkSha();
    }
    return f;
  }

  private void checkSha() {
    MessageDigest sha = DbSnapshot.sha256();
    byte[] stored = new byte[DbSnapshot.TRAILER];
    try (InputStream in = Files.newInputStream(path)) {
      byte[] buf = new byte[1 << 16];
      long left = contentSize;
      while (left > 0) {
        int n = in.read(buf, 0, (int) Math.min(buf.length, left));
        if (n < 0) {
          throw new SnapshotException("snapshot file " + path + " is truncated");
        }
        sha.update(buf, 0, n);
        left -= n;
      }
      if (in.readNBytes(stored, 0, stored.length) != stored.length) {
        throw new SnapshotException("snapshot file " + path + " is truncated");
      }
    } catch (IOException e) {
      throw new SnapshotException("cannot read " + path + ": " + e.getMessage(), e);
    }
    byte[] actual = sha.digest();
    if (!Arrays.equals(stored, actual)) {
      throw new SnapshotException(
          "expected sha256 " + goBytes(stored) + ", got " + goBytes(actual));
    }
  }

  /** Go's {@code %v} of a byte slice: {@code [1 2 255]}. */
  static String goBytes(byte[] b) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < b.length; i++) {
      if (i > 0) {
        sb.append(' ');
      }
      sb.append(b[i] & 0xff);
    }
    return sb.append(']').toString();
  }

  /** Copies the database content (without trailer) to {@code target}. */
  public void copyContentTo(Path target) throws IOException {
    try (FileChannel in = FileChannel.open(path, StandardOpenOption.READ);
        FileChannel out =
            FileChannel.open(
                target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      long pos = 0;
      while (pos < contentSize) {
        long n = in.transferTo(pos, contentSize - pos, out);
        if (n <= 0) {
          throw new IOException("short copy at byte " + pos);
        }
        pos += n;
      }
      out.force(true);
    }
  }

  /** The status numbers, as {@code etcdutl snapshot status} reports them. */
  public SnapshotStatus status() {
    return read(
        (db) -> {
          long hash = KvHasher.hashEnv(db.env, db.txn, false);
          Dbi<byte[]> kv = db.dbi(Schema.KEY);
          long rev = KvHasher.currentRevision(kv, db.txn, db.metaLong(Schema.CURRENT_REVISION, 1));
          long keys = liveKeys(kv, db.txn);
          return new SnapshotStatus(hash, rev, keys, contentSize);
        });
  }

  private static long liveKeys(Dbi<byte[]> kv, Txn<byte[]> txn) {
    Map<ByteString, Boolean> live = new HashMap<>();
    try (CursorIterable<byte[]> rows = kv.iterate(txn)) {
      for (CursorIterable.KeyVal<byte[]> row : rows) {
        if (Rows.isRowKey(row.key())) {
          live.put(Rows.userKey(row.val()), !Rows.isTombstone(row.key()));
        }
      }
    }
    return live.values().stream().filter(b -> b).count();
  }

  /** An open read-only view of the file's database. */
  static final class ReadOnlyDb {
    final Env<byte[]> env;
    final Txn<byte[]> txn;

    ReadOnlyDb(Env<byte[]> env, Txn<byte[]> txn) {
      this.env = env;
      this.txn = txn;
    }

    Dbi<byte[]> dbi(String name) {
      if (!EnvDbs.names(env, txn).contains(name)) {
        throw new SnapshotException(
            "not a Cairn snapshot: the database has no \"" + name + "\" table");
      }
      return EnvDbs.handle(env, name);
    }

    long metaLong(byte[] key, long dflt) {
      byte[] v = dbi(Schema.META).get(txn, key);
      return v == null || v.length != 8 ? dflt : ByteBuffer.wrap(v).getLong();
    }
  }

  /**
   * Opens the database content read-only (in place: the trailer after the last page is never
   * read) and runs {@code fn} in a read transaction. Checks first that every page LMDB's meta
   * page refers to lies inside the file, so a truncated file fails cleanly instead of faulting.
   */
  <R> R read(Function<ReadOnlyDb, R> fn) {
    return readDb(path, contentSize, fn);
  }

  static <R> R readDb(Path dbFile, long contentSize, Function<ReadOnlyDb, R> fn) {
    Env<byte[]> env;
    try {
      env =
          Env.create(ByteArrayProxy.PROXY_BA)
              .setMapSize(contentSize + (1 << 20))
              .setMaxDbs(MAX_DBS)
              .setMaxReaders(8)
              .open(
                  dbFile.toFile(),
                  EnvFlags.MDB_NOSUBDIR,
                  EnvFlags.MDB_RDONLY_ENV,
                  EnvFlags.MDB_NOLOCK,
                  EnvFlags.MDB_NOTLS);
    } catch (LmdbException e) {
      throw new SnapshotException(
          "not a Cairn snapshot (cannot open it as an LMDB database: " + e.getMessage() + ")", e);
    }
    try {
      EnvInfo info = env.info();
      long pageSize = env.stat().pageSize;
      long needed = (info.lastPageNumber + 1) * pageSize;
      if (needed > contentSize) {
        throw new SnapshotException(
            "snapshot file " + dbFile + " is truncated: the database needs " + needed
                + " bytes but the file holds " + contentSize);
      }
      EnvDbs.prepare(env);
      try (Txn<byte[]> txn = env.txnRead()) {
        return fn.apply(new ReadOnlyDb(env, txn));
      }
    } catch (LmdbException e) {
      throw new SnapshotException("snapshot database is damaged: " + e.getMessage(), e);
    } finally {
      EnvDbs.forget(env);
      env.close();
    }
  }

  static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
