package io.cairn.server.snapshot;

import io.cairn.server.storage.Backend;
import io.cairn.server.storage.Schema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import org.lmdbjava.CopyFlags;
import org.lmdbjava.LmdbException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a consistent point-in-time copy of a running member's environment while writes go on.
 *
 * <p>LMDB's compacting copy ({@code mdb_env_copy2} with {@code MDB_CP_COMPACT}) walks every
 * database inside one read transaction, so the copy is exactly the state of one committed
 * transaction: every named database (meta, key, and whatever else is added) at one revision.
 * Writers are never blocked; while the copy runs, pages freed by writers cannot be reused, so
 * the member's file may grow (as it does for any long read).
 *
 * <p>The copy goes to {@code <data-dir>/member/snapshot.tmp/snap-*}/data.mdb and lives until the
 * returned {@link DbSnapshot} is closed. {@link #removeStale} clears leftovers of a crash.
 */
public final class SnapshotWriter {
  private static final Logger log = LoggerFactory.getLogger(SnapshotWriter.class);
  /** Directory below {@code <data-dir>/member} for snapshot copies in progress. */
  public static final String TMP_DIR = "snapshot.tmp";

  private SnapshotWriter() {}

  /** Copies the environment of {@code backend}. The caller closes the result. */
  public static DbSnapshot create(Backend backend) {
    Path root = backend.dir().getParent().resolve(TMP_DIR);
    Path dir = null;
    try {
      Files.createDirectories(root);
      dir = Files.createTempDirectory(root, "snap-");
      long start = System.nanoTime();
      Path target = dir;
      backend.withEnv(
          env -> {
            env.copy(target.toFile(), CopyFlags.MDB_CP_COMPACT);
            return null;
          });
      Path file = dir.resolve("data.mdb");
      long size = padTo512(file);
      long revision =
          SnapshotFile.readDb(
              file,
              size,
              db ->
                  KvHasher.currentRevision(
                      db.dbi(Schema.KEY), db.txn, db.metaLong(Schema.CURRENT_REVISION, 1)));
      log.atInfo()
          .addKeyValue("path", file.toString())
          .addKeyValue("size-bytes", size)
          .addKeyValue("revision", revision)
          .addKeyValue("took", (System.nanoTime() - start) / 1_000_000 + "ms")
          .log("copied database for snapshot");
      return new DbSnapshot(dir, file, size, revision);
    } catch (IOException | LmdbException | SnapshotException e) {
      if (dir != null) {
        deleteTree(dir);
      }
      if (e instanceof IOException io) {
        throw new UncheckedIOException("cannot copy the database for a snapshot: " + e.getMessage(), io);
      }
      throw new SnapshotException("cannot copy the database for a snapshot: " + e.getMessage(), e);
    }
  }

  /**
   * Pads {@code file} with zeros to a multiple of 512 bytes, so that a reader can tell the
   * trailer by the length (etcd's {@code size % 512 == 32}). LMDB files are whole pages (4096),
   * so this normally writes nothing. Returns the final size.
   */
  static long padTo512(Path file) throws IOException {
    long size = Files.size(file);
    long rem = size % 512;
    if (rem == 0) {
      return size;
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ByteBuffer zeros = ByteBuffer.allocate((int) (512 - rem));
      while (zeros.hasRemaining()) {
        ch.write(zeros, size + zeros.position());
      }
    }
    return size + 512 - rem;
  }

  /** Deletes snapshot copies left behind by a crash. Call before the member serves. */
  public static void removeStale(Path dataDir) {
    deleteTree(dataDir.resolve("member").resolve(TMP_DIR));
  }

  static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
              Files.deleteIfExists(f);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
              Files.deleteIfExists(d);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      log.warn("cannot remove {}: {}", root, e.toString());
    }
  }
}
