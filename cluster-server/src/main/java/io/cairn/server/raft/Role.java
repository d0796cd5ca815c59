package io.cairn.server.raft;

/** The role a node currently plays; each maps to a {@link RoleBehavior}. */
public enum Role {
  FOLLOWER,
  PRE_CANDIDATE,
  CANDIDATE,
  LEADER
}
