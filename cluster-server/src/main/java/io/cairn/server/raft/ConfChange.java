package io.cairn.server.raft;

import java.nio.ByteBuffer;

/**
 * A single-server membership change (Raft thesis §4.1). The context is opaque to the core (the
 * server puts the member's URLs there).
 */
public record ConfChange(Type type, long nodeId, byte[] context) {
  public enum Type {
    ADD_VOTER,
    ADD_LEARNER,
    REMOVE,
    PROMOTE_LEARNER
  }

  public ConfChange {
    if (nodeId == 0) {
      throw new IllegalArgumentException("node id must be non-zero");
    }
    context = context == null ? new byte[0] : context;
  }

  public static ConfChange addVoter(long id) {
    return new ConfChange(Type.ADD_VOTER, id, null);
  }

  public static ConfChange addLearner(long id) {
    return new ConfChange(Type.ADD_LEARNER, id, null);
  }

  public static ConfChange remove(long id) {
    return new ConfChange(Type.REMOVE, id, null);
  }

  public static ConfChange promote(long id) {
    return new ConfChange(Type.PROMOTE_LEARNER, id, null);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ConfChange c
        && c.type == type
        && c.nodeId == nodeId
        && java.util.Arrays.equals(c.context, context);
  }

  @Override
  public int hashCode() {
    return type.hashCode() * 31 + Long.hashCode(nodeId);
  }

  @Override
  public String toString() {
    return type + " " + nodeId;
  }

  public byte[] encode() {
    return ByteBuffer.allocate(1 + 8 + context.length)
        .put((byte) type.ordinal())
        .putLong(nodeId)
        .put(context)
        .array();
  }

  public static ConfChange decode(byte[] data) {
    ByteBuffer b = ByteBuffer.wrap(data);
    Type t = Type.values()[b.get()];
    long id = b.getLong();
    byte[] ctx = new byte[b.remaining()];
    b.get(ctx);
    return new ConfChange(t, id, ctx);
  }

  /** The membership that results from applying this change to {@code cs}. */
  public ConfState applyTo(ConfState cs) {
    var voters = new java.util.TreeSet<>(cs.voters());
    var learners = new java.util.TreeSet<>(cs.learners());
    switch (type) {
      case ADD_VOTER, PROMOTE_LEARNER -> {
        if (type == Type.ADD_VOTER || learners.contains(nodeId)) {
          learners.remove(nodeId);
          voters.add(nodeId);
        }
      }
      case ADD_LEARNER -> {
        // Adding an existing voter as learner would be a demotion; single-step demotion is
        // allowed because it only shrinks the voter set by one, like a removal.
        voters.remove(nodeId);
        learners.add(nodeId);
      }
      case REMOVE -> {
        voters.remove(nodeId);
        learners.remove(nodeId);
      }
    }
    return new ConfState(voters, learners);
  }
}
