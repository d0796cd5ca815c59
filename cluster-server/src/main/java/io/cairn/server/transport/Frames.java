package io.cairn.server.transport;

import java.nio.charset.StandardCharsets;

/**
 * The peer protocol on the wire. A connection opens with a preface: the magic bytes, the cluster
 * ID and the sender's member ID (so members of another cluster are refused at once); then frames
 * of {@code length (4, big-endian, excluding itself) | kind (1) | payload}.
 *
 * <ul>
 *   <li>{@link #MESSAGE}: a Raft message in {@code raft.MessageCodec}'s encoding;
 *   <li>{@link #PING} / {@link #PONG}: 8 bytes of the sender's {@code nanoTime}, echoed back, for
 *       round-trip measurement.
 * </ul>
 */
final class Frames {
  private Frames() {}

  static final byte[] MAGIC = "CAIRN-RAFT/1\n".getBytes(StandardCharsets.US_ASCII);
  static final int PREFACE_LENGTH = MAGIC.length + 16;
  static final int MAX_FRAME = 64 << 20;

  static final byte MESSAGE = 1;
  static final byte PING = 2;
  static final byte PONG = 3;
}
