package io.cairn.server.raft;

import java.util.Map;

/**
 * A snapshot of a node's state for monitoring and tests.
 *
 * @param progress per-peer replication state, only on the leader (empty otherwise)
 */
public record Status(
    long id,
    HardState hardState,
    SoftState softState,
    long applied,
    long lastIndex,
    long leadTransferee,
    ConfState config,
    Map<Long, PeerProgress> progress) {

  public record PeerProgress(
      long match, long next, ProgressState state, boolean learner, boolean recentActive) {}
}
