package io.cairn.server.raft;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Compact binary form of a {@link Message} for the peer transport (which adds its own framing).
 * Integers are unsigned LEB128 varints; entry indexes after the first are implied (consecutive),
 * and entry terms are delta-coded against the previous entry, since batches are runs of one term.
 *
 * <p>Layout: version, type, flags (bit 0 reject, bit 1 snapshot present), from, to, term, logTerm,
 * index, commit, rejectHint, context, entries, [snapshot].
 */
public final class MessageCodec {
  private static final int VERSION = 1;
  private static final int FLAG_REJECT = 1;
  private static final int FLAG_SNAPSHOT = 2;

  private MessageCodec() {}

  public static byte[] encode(Message m) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      out.writeByte(m.type().ordinal());
      out.writeByte((m.reject() ? FLAG_REJECT : 0) | (m.snapshot() != null ? FLAG_SNAPSHOT : 0));
      writeVarLong(out, m.from());
      writeVarLong(out, m.to());
      writeVarLong(out, m.term());
      writeVarLong(out, m.logTerm());
      writeVarLong(out, m.index());
      writeVarLong(out, m.commit());
      writeVarLong(out, m.rejectHint());
      writeBytes(out, m.context());
      List<Entry> ents = m.entries();
      writeVarLong(out, ents.size());
      long prevTerm = 0;
      for (int i = 0; i < ents.size(); i++) {
        Entry e = ents.get(i);
        if (i == 0) {
          writeVarLong(out, e.index());
        } else if (e.index() != ents.get(i - 1).index() + 1) {
          throw new IllegalArgumentException("entries of a message must be consecutive");
        }
        if (e.term() < prevTerm) {
          throw new IllegalArgumentException("entry terms must not decrease");
        }
        writeVarLong(out, e.term() - prevTerm);
        prevTerm = e.term();
        out.writeByte(e.type().ordinal());
        writeBytes(out, e.data());
      }
      if (m.snapshot() != null) {
        Snapshot s = m.snapshot();
        writeVarLong(out, s.index());
        writeVarLong(out, s.term());
        writeIds(out, s.meta().confState().voters());
        writeIds(out, s.meta().confState().learners());
        writeBytes(out, s.data());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * @throws IllegalArgumentException if the bytes are not a message of a known version
   */
  public static Message decode(byte[] data) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
      int version = in.readUnsignedByte();
      if (version != VERSION) {
        throw new IllegalArgumentException("unknown message version " + version);
      }
      int type = in.readUnsignedByte();
      if (type >= MessageType.values().length) {
        throw new IllegalArgumentException("unknown message type " + type);
      }
      int flags = in.readUnsignedByte();
      Message.Builder b =
          Message.builder(MessageType.values()[type])
              .reject((flags & FLAG_REJECT) != 0)
              .from(readVarLong(in))
              .to(readVarLong(in))
              .term(readVarLong(in))
              .logTerm(readVarLong(in))
              .index(readVarLong(in))
              .commit(readVarLong(in))
              .rejectHint(readVarLong(in))
              .context(readBytes(in));
      int n = Math.toIntExact(readVarLong(in));
      List<Entry> ents = new ArrayList<>(Math.min(n, 1024));
      long index = 0;
      long term = 0;
      for (int i = 0; i < n; i++) {
        index = i == 0 ? readVarLong(in) : index + 1;
        term += readVarLong(in);
        int et = in.readUnsignedByte();
        if (et >= EntryType.values().length) {
          throw new IllegalArgumentException("unknown entry type " + et);
        }
        ents.add(new Entry(term, index, EntryType.values()[et], readBytes(in)));
      }
      b.entries(ents);
      if ((flags & FLAG_SNAPSHOT) != 0) {
        long si = readVarLong(in);
        long st = readVarLong(in);
        Set<Long> voters = readIds(in);
        Set<Long> learners = readIds(in);
        b.snapshot(
            new Snapshot(new SnapshotMeta(si, st, new ConfState(voters, learners)), readBytes(in)));
      }
      if (in.available() > 0) {
        throw new IllegalArgumentException("trailing bytes after message");
      }
      return b.build();
    } catch (IOException e) {
      throw new IllegalArgumentException("truncated message", e);
    }
  }

  private static void writeIds(DataOutputStream out, Set<Long> ids) throws IOException {
    writeVarLong(out, ids.size());
    for (long id : ids) {
      writeVarLong(out, id);
    }
  }

  private static Set<Long> readIds(DataInputStream in) throws IOException {
    int n = Math.toIntExact(readVarLong(in));
    Set<Long> ids = new TreeSet<>();
    for (int i = 0; i < n; i++) {
      ids.add(readVarLong(in));
    }
    return ids;
  }

  private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
    writeVarLong(out, b.length);
    out.write(b);
  }

  private static byte[] readBytes(DataInputStream in) throws IOException {
    long n = readVarLong(in);
    if (n > in.available()) {
      throw new IOException("length " + n + " exceeds remaining bytes");
    }
    byte[] b = new byte[(int) n];
    in.readFully(b);
    return b;
  }

  static void writeVarLong(DataOutputStream out, long v) throws IOException {
    while ((v & ~0x7FL) != 0) {
      out.writeByte((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.writeByte((int) v);
  }

  static long readVarLong(DataInputStream in) throws IOException {
    long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      int b = in.readUnsignedByte();
      v |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return v;
      }
    }
    throw new IOException("varint too long");
  }
}
