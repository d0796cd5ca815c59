/**
 * The consensus core: Raft as a pure, single-threaded state machine.
 *
 * <p>No threads, clocks, IO or hidden randomness: time advances only through {@link
 * io.cairn.server.raft.RaftNode#tick()}, input arrives through {@code step}/{@code propose}/…, and
 * all output is collected in a {@link io.cairn.server.raft.Ready}. That makes every behaviour
 * reproducible from a seed (see the simulation in the tests).
 *
 * <p>Map of the package:
 *
 * <ul>
 *   <li>{@link io.cairn.server.raft.RaftNode} — the driver's API; {@code Raft} holds terms, votes
 *       and role transitions, and delegates by role to a {@code RoleBehavior} ({@code
 *       FollowerBehavior}, {@code CandidateBehavior} for candidates and pre-candidates, {@code
 *       LeaderBehavior}).
 *   <li>{@code Replication} (leader append/commit/flow control), {@code ReadIndexFlow} (ReadIndex),
 *       {@code Membership} (conf changes).
 *   <li>{@code RaftLog} over {@link io.cairn.server.raft.Storage} plus {@code UnstableLog}.
 *   <li>{@code ProgressTracker}, {@code Progress}, {@code Inflights}, {@code Quorum}, {@code
 *       ReadOnly}.
 *   <li>Values: {@link io.cairn.server.raft.Message} (and {@link
 *       io.cairn.server.raft.MessageCodec}), {@link io.cairn.server.raft.Entry}, {@link
 *       io.cairn.server.raft.HardState}, {@link io.cairn.server.raft.ConfState}, {@link
 *       io.cairn.server.raft.Snapshot}.
 * </ul>
 *
 * <p>Driver contract, in short: call {@code tick()} at a fixed interval; feed received messages to
 * {@code step}; whenever {@code hasReady()}, take {@code ready()}, persist its snapshot, entries
 * and hard state durably, then send its messages, then apply (calling {@code applyConfChange} for
 * conf-change entries), then {@code advance}. Report failed snapshot streams with {@code
 * reportSnapshot(id, false)} (otherwise the leader waits for that follower forever) and
 * unreachable peers with {@code reportUnreachable}. Found a cluster with {@link
 * io.cairn.server.raft.MemoryStorage#bootstrap} (or the equivalent on durable storage); start
 * members added later with empty storage. On restart pass the applied index in {@link
 * io.cairn.server.raft.RaftConfig#applied()} and keep the applied membership in the storage's
 * initial state.
 */
package io.cairn.server.raft;
