package io.cairn.server.raft;

/**
 * Message kinds. SNAP_STATUS and UNREACHABLE are local: the driver reports them about a peer and
 * they never travel on the wire.
 */
public enum MessageType {
  PROP,
  APP,
  APP_RESP,
  VOTE,
  VOTE_RESP,
  PRE_VOTE,
  PRE_VOTE_RESP,
  HEARTBEAT,
  HEARTBEAT_RESP,
  SNAP,
  SNAP_STATUS,
  UNREACHABLE,
  TRANSFER_LEADER,
  TIMEOUT_NOW,
  READ_INDEX,
  READ_INDEX_RESP;

  boolean isLocal() {
    return this == SNAP_STATUS || this == UNREACHABLE;
  }

  /** Responses name a peer the sender must already track; requests may come from strangers. */
  boolean isResponse() {
    return this == APP_RESP
        || this == VOTE_RESP
        || this == PRE_VOTE_RESP
        || this == HEARTBEAT_RESP
        || this == UNREACHABLE
        || this == SNAP_STATUS;
  }
}
