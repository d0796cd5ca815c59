package io.cairn.server.raft;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The driver's handle on one node's consensus core. Single-threaded and pure: the driver calls
 * {@link #tick()} on a timer, feeds received messages to {@link #step}, and loops {@link
 * #hasReady()} / {@link #ready()} / {@link #advance}; see {@link Ready} for what it must do with
 * each batch.
 */
public final class RaftNode {
  private final Raft raft;
  private SoftState prevSoftState;
  private HardState prevHardState;
  private Ready outstanding;

  public RaftNode(RaftConfig config, Storage storage) {
    this.raft = new Raft(config, storage);
    this.prevSoftState = raft.softState();
    this.prevHardState = storage.initialState().hardState();
  }

  Raft raft() {
    return raft;
  }

  public long id() {
    return raft.id;
  }

  public void tick() {
    raft.tick();
  }

  /**
   * Feeds a message received from a peer. Local kinds (SNAP_STATUS, UNREACHABLE), proposals, and
   * responses from peers we do not track are ignored.
   */
  public void step(Message m) {
    if (m.type().isLocal() || m.type() == MessageType.PROP) {
      return;
    }
    if (m.type().isResponse() && !raft.prs.progress.containsKey(m.from())) {
      return;
    }
    raft.step(m);
  }

  /**
   * Appends data to the log if this node is leader.
   *
   * @throws ProposalDroppedException if not leader, transferring leadership, or over the
   *     uncommitted-bytes limit
   */
  public void propose(byte[] data) {
    raft.step(
        Message.builder(MessageType.PROP)
            .from(raft.id)
            .entries(List.of(new Entry(0, 0, EntryType.DATA, data)))
            .build());
  }

  /**
   * Appends several data entries at once (one proposal message, so the leader sends them to each
   * follower together). All or nothing.
   *
   * @throws ProposalDroppedException as {@link #propose}
   */
  public void proposeAll(List<byte[]> data) {
    List<Entry> entries = new java.util.ArrayList<>(data.size());
    for (byte[] d : data) {
      entries.add(new Entry(0, 0, EntryType.DATA, d));
    }
    raft.step(Message.builder(MessageType.PROP).from(raft.id).entries(entries).build());
  }

  /**
   * Proposes a membership change. Only one may be in flight: until the previous one is applied on
   * the leader, this throws with reason CONF_CHANGE_PENDING.
   */
  public void proposeConfChange(ConfChange cc) {
    raft.step(
        Message.builder(MessageType.PROP)
            .from(raft.id)
            .entries(List.of(new Entry(0, 0, EntryType.CONF_CHANGE, cc.encode())))
            .build());
  }

  /**
   * Requests a linearizable read point. The answer arrives as a {@link ReadState} with the same
   * context in a later Ready (contexts should be unique); if leadership is lost meanwhile it never
   * arrives and the caller retries after a timeout.
   *
   * @throws ProposalDroppedException NO_LEADER when no leader is known
   */
  public void readIndex(byte[] context) {
    if (context == null || context.length == 0) {
      // Heartbeats without a context are plain heartbeats; an empty one could not be matched.
      throw new IllegalArgumentException("read context must not be empty");
    }
    raft.step(Message.builder(MessageType.READ_INDEX).context(context).build());
  }

  /** Asks the leader (via this node) to hand leadership to {@code to}. */
  public void transferLeadership(long to) {
    raft.step(Message.builder(MessageType.TRANSFER_LEADER).from(to).build());
  }

  /** Starts an election now (a pre-election first, if enabled). */
  public void campaign() {
    raft.hup(false);
  }

  /** The transport could not deliver to {@code id}; the leader stops streaming optimistically. */
  public void reportUnreachable(long id) {
    raft.step(Message.builder(MessageType.UNREACHABLE).from(id).build());
  }

  /**
   * Outcome of streaming a snapshot to a follower. Must be called on failure: the leader sends
   * nothing else to that follower until it hears the outcome (or the follower's answer).
   */
  public void reportSnapshot(long id, boolean ok) {
    raft.step(Message.builder(MessageType.SNAP_STATUS).from(id).reject(!ok).build());
  }

  /** Applies a committed conf-change entry's change; returns the resulting membership. */
  public ConfState applyConfChange(ConfChange cc) {
    return Membership.applyConfChange(raft, cc);
  }

  public boolean hasReady() {
    if (!raft.softState().equals(prevSoftState)) {
      return true;
    }
    HardState hs = raft.hardState();
    if (!hs.isEmpty() && !hs.equals(prevHardState)) {
      return true;
    }
    return raft.log.hasPendingSnapshot()
        || !raft.log.unstable.entries.isEmpty()
        || raft.log.hasNextCommittedEntries()
        || !raft.msgs.isEmpty()
        || !raft.readStates.isEmpty();
  }

  /**
   * Collects pending work. Messages and read states are handed over now; log positions move only
   * on {@link #advance}, which must be called before the next {@code ready()}.
   */
  public Ready ready() {
    if (outstanding != null) {
      throw new IllegalStateException("ready() called again before advance()");
    }
    SoftState ss = raft.softState();
    HardState hs = raft.hardState();
    Ready rd =
        new Ready(
            ss.equals(prevSoftState) ? null : ss,
            hs.isEmpty() || hs.equals(prevHardState) ? null : hs,
            raft.log.unstableEntries(),
            raft.log.unstable.snapshot,
            raft.log.nextCommittedEntries(Long.MAX_VALUE),
            raft.msgs,
            raft.readStates);
    raft.msgs = new java.util.ArrayList<>();
    raft.readStates = new java.util.ArrayList<>();
    outstanding = rd;
    return rd;
  }

  /** The driver has done everything the Ready asked. */
  public void advance(Ready rd) {
    if (rd != outstanding) {
      throw new IllegalStateException("advance() with a Ready that is not outstanding");
    }
    outstanding = null;
    if (rd.softState() != null) {
      prevSoftState = rd.softState();
    }
    if (rd.hardState() != null) {
      prevHardState = rd.hardState();
    }
    if (!rd.entries().isEmpty()) {
      Entry last = rd.entries().get(rd.entries().size() - 1);
      raft.log.stableTo(last.index(), last.term());
    }
    if (rd.snapshot() != null) {
      raft.log.stableSnapTo(rd.snapshot().index());
      if (rd.snapshot().index() > raft.log.applied) {
        raft.log.appliedTo(rd.snapshot().index());
      }
    }
    if (!rd.committedEntries().isEmpty()) {
      Entry last = rd.committedEntries().get(rd.committedEntries().size() - 1);
      raft.log.appliedTo(last.index());
      if (raft.role == Role.LEADER) {
        Replication.reduceUncommittedSize(raft, rd.committedEntries());
      }
    }
  }

  public Status status() {
    Map<Long, Status.PeerProgress> prs = new TreeMap<>();
    if (raft.role == Role.LEADER) {
      raft.prs.progress.forEach(
          (id, p) ->
              prs.put(
                  id,
                  new Status.PeerProgress(p.match, p.next, p.state, p.learner, p.recentActive)));
    }
    return new Status(
        raft.id,
        raft.hardState(),
        raft.softState(),
        raft.log.applied,
        raft.log.lastIndex(),
        raft.leadTransferee,
        raft.prs.config,
        prs);
  }
}
