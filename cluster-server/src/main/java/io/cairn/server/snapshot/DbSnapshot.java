package io.cairn.server.snapshot;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.NoSuchElementException;

/**
 * A point-in-time copy of a member's LMDB environment, held in a temporary file until {@link
 * #close()}. Its stream is the snapshot format: the database bytes (a multiple of 512) followed
 * by their SHA-256 (32 bytes).
 */
public final class DbSnapshot implements AutoCloseable {
  /** Length of the SHA-256 trailer. */
  public static final int TRAILER = 32;

  private final Path dir;
  private final Path file;
  private final long size;
  private final long revision;
  private volatile boolean closed;

  DbSnapshot(Path dir, Path file, long size, long revision) {
    this.dir = dir;
    this.file = file;
    this.size = size;
    this.revision = revision;
  }

  /** The temporary copy (database bytes only, no trailer). */
  public Path file() {
    return file;
  }

  /** Bytes of database content. */
  public long dbSize() {
    return size;
  }

  /** Bytes of the whole stream: content and trailer. */
  public long totalSize() {
    return size + TRAILER;
  }

  /** The store's revision in the copy. */
  public long revision() {
    return revision;
  }

  /** The snapshot stream: content, then its SHA-256. Reads the temporary file. */
  public InputStream openStream() {
    try {
      return new TrailerStream(Files.newInputStream(file), size);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes the whole stream to {@code out}. */
  public void writeTo(OutputStream out) throws IOException {
    try (InputStream in = openStream()) {
      in.transferTo(out);
    }
  }

  /** Writes the stream to a snapshot file at {@code target}. */
  public void saveTo(Path target) throws IOException {
    try (OutputStream out = Files.newOutputStream(target)) {
      writeTo(out);
    }
  }

  /** Reads the stream in pieces of at most {@code chunkSize} content bytes. */
  public Chunks chunks(int chunkSize) {
    try {
      return new Chunks(FileChannel.open(file, StandardOpenOption.READ), size, chunkSize);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes the temporary copy. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    SnapshotWriter.deleteTree(dir);
  }

  /** One message of the stream. */
  public record Chunk(ByteString blob, long remainingBytes, boolean trailer) {}

  /**
   * The stream as messages, the way etcd sends it: content pieces, each with the number of
   * content bytes still to come, then one message with the 32-byte SHA-256 (remaining 0).
   */
  public static final class Chunks implements AutoCloseable {
    private final FileChannel channel;
    private final long size;
    private final int chunkSize;
    private final MessageDigest sha = sha256();
    private long sent;
    private boolean trailerSent;

    Chunks(FileChannel channel, long size, int chunkSize) {
      this.channel = channel;
      this.size = size;
      this.chunkSize = chunkSize;
    }

    public boolean hasNext() {
      return !trailerSent;
    }

    public Chunk next() throws IOException {
      if (trailerSent) {
        throw new NoSuchElementException();
      }
      if (sent >= size) {
        trailerSent = true;
        return new Chunk(ByteString.copyFrom(sha.digest()), 0, true);
      }
      int n = (int) Math.min(chunkSize, size - sent);
      ByteBuffer buf = ByteBuffer.allocate(n);
      while (buf.hasRemaining()) {
        if (channel.read(buf, sent + buf.position()) < 0) {
          throw new IOException("snapshot copy ended early at byte " + (sent + buf.position()));
        }
      }
      byte[] bytes = buf.array();
      sha.update(bytes);
      sent += n;
      return new Chunk(ByteString.copyFrom(bytes), size - sent, false);
    }

    /** Content bytes sent so far. */
    public long sent() {
      return sent;
    }

    @Override
    public void close() {
      try {
        channel.close();
      } catch (IOException e) {
        // read-only channel
      }
    }
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Content of a file followed by its SHA-256. */
  private static final class TrailerStream extends InputStream {
    private final InputStream in;
    private final MessageDigest sha = sha256();
    private long remaining;
    private byte[] trailer;
    private int trailerPos;

    TrailerStream(InputStream in, long size) {
      this.in = in;
      this.remaining = size;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (remaining > 0) {
        int n = in.read(b, off, (int) Math.min(len, remaining));
        if (n < 0) {
          throw new IOException("snapshot copy ended early");
        }
        sha.update(b, off, n);
        remaining -= n;
        return n;
      }
      if (trailer == null) {
        trailer = sha.digest();
      }
      if (trailerPos >= trailer.length) {
        return -1;
      }
      int n = Math.min(len, trailer.length - trailerPos);
      System.arraycopy(trailer, trailerPos, b, off, n);
      trailerPos += n;
      return n;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
