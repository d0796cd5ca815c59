package io.cairn.server.raft;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The consensus state shared by all roles: terms and votes, role transitions, elections, the
 * term rules every message passes through, and the send path. Role-specific handling lives in the
 * {@link RoleBehavior}s; the leader's machinery in {@link Replication}, {@link ReadIndexFlow} and
 * {@link Membership}. Pure: output accumulates in {@link #msgs} and {@link #readStates} for the
 * driver to collect.
 */
final class Raft {
  /** Vote context marking an election started by leader transfer: it overrides leader leases. */
  static final byte[] CAMPAIGN_TRANSFER = "transfer".getBytes(StandardCharsets.US_ASCII);

  final long id;
  final RaftConfig cfg;
  final RaftLog log;
  final ProgressTracker prs;

  long term;
  long vote;
  long leader;
  Role role = Role.FOLLOWER;
  RoleBehavior behavior = FollowerBehavior.INSTANCE;

  long leadTransferee;
  /** Index of the newest conf change the leader proposed; another waits until it is applied. */
  long pendingConfIndex;
  long uncommittedSize;
  ReadOnly readOnly = new ReadOnly();
  /** ReadIndex requests that arrived before this leader committed an entry of its term. */
  final List<Message> pendingReadIndex = new ArrayList<>();

  int electionElapsed;
  int heartbeatElapsed;
  int randomizedElectionTimeout;

  List<Message> msgs = new ArrayList<>();
  List<ReadState> readStates = new ArrayList<>();

  Raft(RaftConfig cfg, Storage storage) {
    this.id = cfg.id();
    this.cfg = cfg;
    this.log = new RaftLog(storage);
    this.prs = new ProgressTracker(cfg.maxInflightMsgs());
    HardStateAndConf init = storage.initialState();
    prs.applyConfig(init.confState(), log.lastIndex() + 1);
    HardState hs = init.hardState();
    if (!hs.isEmpty()) {
      if (hs.commit() > log.lastIndex()) {
        throw new IllegalStateException(
            "persisted commit " + hs.commit() + " beyond last index " + log.lastIndex());
      }
      term = hs.term();
      vote = hs.vote();
      log.commitTo(hs.commit());
    }
    if (cfg.applied() > log.applied) {
      log.appliedTo(Math.min(cfg.applied(), log.committed));
    }
    becomeFollower(term, 0);
  }

  HardState hardState() {
    return new HardState(term, vote, log.committed);
  }

  SoftState softState() {
    return new SoftState(leader, role);
  }

  /** May this node campaign? Only a voter, and not while a received snapshot is unpersisted. */
  boolean promotable() {
    Progress p = prs.progress.get(id);
    return p != null && !p.learner && !log.hasPendingSnapshot();
  }

  // ---------------------------------------------------------------- role transitions

  void becomeFollower(long newTerm, long lead) {
    reset(newTerm);
    leader = lead;
    role = Role.FOLLOWER;
    behavior = FollowerBehavior.INSTANCE;
  }

  void becomePreCandidate() {
    if (role == Role.LEADER) {
      throw new IllegalStateException("leader cannot become pre-candidate");
    }
    // Neither term nor vote change: a pre-election must leave no trace if it fails (thesis §9.6).
    prs.resetVotes();
    leader = 0;
    role = Role.PRE_CANDIDATE;
    behavior = CandidateBehavior.INSTANCE;
  }

  void becomeCandidate() {
    if (role == Role.LEADER) {
      throw new IllegalStateException("leader cannot become candidate");
    }
    reset(term + 1);
    vote = id;
    role = Role.CANDIDATE;
    behavior = CandidateBehavior.INSTANCE;
  }

  void becomeLeader() {
    if (role == Role.FOLLOWER) {
      throw new IllegalStateException("follower cannot become leader without an election");
    }
    reset(term);
    leader = id;
    role = Role.LEADER;
    behavior = LeaderBehavior.INSTANCE;
    prs.progress.get(id).becomeReplicate();
    // Conf changes already in the log may be unapplied; do not let a new one overtake them.
    pendingConfIndex = log.lastIndex();
    // An entry of the new term: committing it commits everything before it (Raft §5.4.2) and is
    // what ReadIndex waits for (thesis §6.4).
    Replication.appendEntries(this, List.of(new Entry(0, 0, EntryType.DATA, null)));
  }

  private void reset(long newTerm) {
    if (term != newTerm) {
      term = newTerm;
      vote = 0;
    }
    leader = 0;
    electionElapsed = 0;
    heartbeatElapsed = 0;
    randomizedElectionTimeout =
        cfg.electionTicks() + cfg.random().nextInt(cfg.electionTicks());
    leadTransferee = 0;
    prs.resetVotes();
    long last = log.lastIndex();
    for (Map.Entry<Long, Progress> e : prs.progress.entrySet()) {
      Progress p = new Progress(last + 1, cfg.maxInflightMsgs(), e.getValue().learner);
      if (e.getKey() == id) {
        p.match = last;
      }
      e.setValue(p);
    }
    pendingConfIndex = 0;
    uncommittedSize = 0;
    readOnly = new ReadOnly();
    pendingReadIndex.clear();
  }

  // ---------------------------------------------------------------- ticks and elections

  void tick() {
    behavior.tick(this);
  }

  void tickElection() {
    electionElapsed++;
    if (promotable() && electionElapsed >= randomizedElectionTimeout) {
      electionElapsed = 0;
      hup(false);
    }
  }

  void tickHeartbeat() {
    heartbeatElapsed++;
    electionElapsed++;
    if (electionElapsed >= cfg.electionTicks()) {
      electionElapsed = 0;
      if (cfg.checkQuorum()) {
        boolean active = prs.quorumActive(id);
        prs.progress.forEach((pid, p) -> p.recentActive = false);
        if (!active) {
          becomeFollower(term, 0);
          return;
        }
      }
      // A transfer that has not completed within an election timeout is abandoned (thesis §3.10).
      leadTransferee = 0;
    }
    if (role == Role.LEADER && heartbeatElapsed >= cfg.heartbeatTicks()) {
      heartbeatElapsed = 0;
      Replication.bcastHeartbeat(this);
    }
  }

  /** Starts an election (or pre-election) if this node may. */
  void hup(boolean transfer) {
    if (role == Role.LEADER || !promotable() || hasUnappliedConfChanges()) {
      return;
    }
    // Transfers skip the pre-vote: the old leader asked for this, so no partition is healing.
    campaign(cfg.preVote() && !transfer, transfer);
  }

  /**
   * A committed but unapplied conf change means our membership is about to change; campaigning
   * with the old one could let two leaders be elected by disjoint majorities.
   */
  private boolean hasUnappliedConfChanges() {
    if (log.applied >= log.committed) {
      return false;
    }
    try {
      for (Entry e : log.slice(log.applied + 1, log.committed + 1, Long.MAX_VALUE)) {
        if (e.type() == EntryType.CONF_CHANGE) {
          return true;
        }
      }
    } catch (StorageException e) {
      return true;
    }
    return false;
  }

  void campaign(boolean pre, boolean transfer) {
    long voteTerm;
    MessageType type;
    if (pre) {
      becomePreCandidate();
      voteTerm = term + 1;
      type = MessageType.PRE_VOTE;
    } else {
      becomeCandidate();
      voteTerm = term;
      type = MessageType.VOTE;
    }
    if (poll(id, true) == Quorum.VoteResult.WON) {
      // Single-voter cluster.
      if (pre) {
        campaign(false, transfer);
      } else {
        becomeLeader();
      }
      return;
    }
    for (long voter : prs.config.voters()) {
      if (voter == id) {
        continue;
      }
      send(
          Message.builder(type)
              .to(voter)
              .term(voteTerm)
              .index(log.lastIndex())
              .logTerm(log.lastTerm())
              .context(transfer ? CAMPAIGN_TRANSFER : null));
    }
  }

  Quorum.VoteResult poll(long from, boolean granted) {
    prs.recordVote(from, granted);
    return prs.tallyVotes();
  }

  // ---------------------------------------------------------------- message entry point

  void step(Message m) {
    if (m.term() == 0) {
      // Local message (proposal, read request, report): no term rules apply.
    } else if (m.term() > term) {
      if (m.type() == MessageType.VOTE || m.type() == MessageType.PRE_VOTE) {
        boolean force = Arrays.equals(m.context(), CAMPAIGN_TRANSFER);
        boolean inLease =
            cfg.checkQuorum() && leader != 0 && electionElapsed < cfg.electionTicks();
        if (!force && inLease) {
          // Leader lease (thesis §4.2.3): we heard from a live leader within the minimum election
          // timeout, so this candidate is disruptive (e.g. removed, or partitioned away).
          return;
        }
      }
      if (m.type() == MessageType.PRE_VOTE) {
        // A pre-vote never changes our term.
      } else if (m.type() == MessageType.PRE_VOTE_RESP && !m.reject()) {
        // Granted pre-votes carry the future term; the term moves only when the real vote starts.
      } else if (m.type() == MessageType.APP
          || m.type() == MessageType.HEARTBEAT
          || m.type() == MessageType.SNAP) {
        becomeFollower(m.term(), m.from());
      } else {
        becomeFollower(m.term(), 0);
      }
    } else if (m.term() < term) {
      if ((cfg.checkQuorum() || cfg.preVote())
          && (m.type() == MessageType.HEARTBEAT || m.type() == MessageType.APP)) {
        // A stale leader (e.g. isolated, or its election timeout was stalled) would otherwise never
        // learn our term: with pre-vote we never bump terms to get its attention, and with
        // check-quorum we ignore its peers' votes. Answer so it steps down.
        send(Message.builder(MessageType.APP_RESP).to(m.from()));
      } else if (m.type() == MessageType.PRE_VOTE) {
        // Reject explicitly so the pre-candidate learns our term instead of waiting it out.
        send(Message.builder(MessageType.PRE_VOTE_RESP).to(m.from()).term(term).reject(true));
      }
      return;
    }

    if (m.type() == MessageType.VOTE || m.type() == MessageType.PRE_VOTE) {
      handleVoteRequest(m);
    } else {
      behavior.step(this, m);
    }
  }

  private void handleVoteRequest(Message m) {
    MessageType respType =
        m.type() == MessageType.VOTE ? MessageType.VOTE_RESP : MessageType.PRE_VOTE_RESP;
    // One vote per term (Raft §5.2); a repeated request from the same candidate is re-granted.
    // Pre-votes for a future term commit us to nothing, so they are granted freely.
    boolean canVote =
        vote == m.from()
            || (vote == 0 && leader == 0)
            || (m.type() == MessageType.PRE_VOTE && m.term() > term);
    if (canVote && log.isUpToDate(m.index(), m.logTerm())) {
      // Answer with the request's term so a pre-candidate recognises the grant.
      send(Message.builder(respType).to(m.from()).term(m.term()));
      if (m.type() == MessageType.VOTE) {
        electionElapsed = 0;
        vote = m.from();
      }
    } else {
      send(Message.builder(respType).to(m.from()).term(term).reject(true));
    }
  }

  void send(Message.Builder b) {
    b.from(id);
    Message m = b.build();
    // Vote traffic carries an explicit term (a pre-vote names the term it would start); forwarded
    // proposals and reads are local requests to their target and carry none.
    if (m.type() != MessageType.VOTE
        && m.type() != MessageType.PRE_VOTE
        && m.type() != MessageType.VOTE_RESP
        && m.type() != MessageType.PRE_VOTE_RESP
        && m.type() != MessageType.READ_INDEX
        && m.type() != MessageType.PROP) {
      m = b.term(term).build();
    }
    msgs.add(m);
  }

  /** Forwards a request unchanged except for its destination (sender stays the origin). */
  void forward(Message m, long to) {
    Message.Builder b = m.toBuilder().to(to);
    if (m.from() == 0) {
      b.from(id);
    }
    if (m.type() != MessageType.READ_INDEX) {
      b.term(term);
    }
    msgs.add(b.build());
  }
}
