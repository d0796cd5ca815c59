package io.cairn.server.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on a data dir, held for the member's lifetime. LMDB itself lets several
 * processes open one environment; two members on one data dir would corrupt each other's view.
 */
public final class DataDirLock implements AutoCloseable {
  private final FileChannel channel;
  private final FileLock lock;

  private DataDirLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  public static DataDirLock acquire(Path dataDir) {
    Path file = dataDir.resolve("member").resolve("lock");
    try {
      Files.createDirectories(file.getParent());
      FileChannel ch =
          FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock l = ch.tryLock();
      if (l == null) {
        ch.close();
        throw new IllegalStateException(
            "data-dir " + dataDir + " is in use by another member (cannot lock " + file + ")");
      }
      return new DataDirLock(ch, l);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lock data-dir " + dataDir + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      // The process is going away; the OS drops the lock with it.
    }
  }
}
