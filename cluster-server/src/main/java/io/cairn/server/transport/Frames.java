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
 *       round-trip measurement;
 *   <li>{@link #CALL}: {@code call id (8) | method length (1) | method (ASCII) | request}, a
 *       request to the peer's member (forwarded lease renewals, proposals), answered on the same
 *       connection by {@link #REPLY}: {@code call id (8) | status (1) | body}, where status 0
 *       carries the answer and status 1 an error text (etcd's wording);
 *   <li>on a connection of its own, a snapshot for a follower: {@link #SNAP_CHUNK} frames of the
 *       image, then {@link #SNAP_END} with the Raft snapshot message; the receiver answers {@link
 *       #SNAP_DONE} once the image is on its disk and the message delivered.
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
  static final byte CALL = 4;
  static final byte REPLY = 5;
  static final byte SNAP_CHUNK = 6;
  static final byte SNAP_END = 7;
  static final byte SNAP_DONE = 8;
}
