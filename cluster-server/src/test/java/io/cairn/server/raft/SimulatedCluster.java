package io.cairn.server.raft;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * A deterministic cluster of {@link RaftNode}s over {@link MemoryStorage}, a lossy network and a
 * crash-prone driver, all driven by one seed in virtual time. Every step is followed by the safety
 * checks of {@link #checkInvariants()}; {@link #requireProgress} checks liveness after healing.
 *
 * <p>Durability model: a node's {@link MemoryStorage} and its applied state (index, state hash,
 * membership) are what survives a crash; the RaftNode and anything in a Ready not yet written are
 * lost. A crash may interrupt the persist step between its writes (snapshot, a prefix of the
 * entries, the hard state), and then the Ready's messages are never sent.
 */
final class SimulatedCluster {
  static final int ELECTION_TICKS = 6;
  static final int MAX_QUEUE = 400;

  final long seed;
  final SplittableRandom rnd;
  final int initialSize;
  final int maxId;
  final boolean preVote;
  final boolean checkQuorum;
  final long maxMsgSize;
  final TreeMap<Long, SimNode> nodes = new TreeMap<>();
  final Set<Long> everRemoved = new HashSet<>();
  final List<Envelope> inflight = new ArrayList<>();
  Set<Long> partition; // one side of a split; null when healed
  final Set<List<Long>> oneWay = new HashSet<>(); // asymmetric link failures (from, to)
  long time;
  long nextData = 1;
  long nextRead = 1;
  final ArrayDeque<String> trace = new ArrayDeque<>();
  final Stats stats = new Stats();

  // ---- global observations for the invariants
  final Map<Long, Long> leaderOfTerm = new HashMap<>();
  final Map<Long, Map<Long, Long>> votesByNode = new HashMap<>();
  /** (index, term) of any persisted entry → {data hash, previous entry's term or -1}. */
  final Map<IndexTerm, long[]> persisted = new HashMap<>();
  /** index → {term, data hash, state hash after applying}. */
  final TreeMap<Long, long[]> applied = new TreeMap<>();
  final Map<ByteBuffer, Long> readIssuedAtCommit = new HashMap<>();
  /** index → {entry term, smallest term of a node seen knowing it committed}. */
  final TreeMap<Long, long[]> committedAt = new TreeMap<>();
  final Map<Long, Long> commitSeen = new HashMap<>();
  long maxCommitSeen;

  record IndexTerm(long index, long term) {}

  record Envelope(Message m, long deliverAt) {}

  static final class Stats {
    int elections;
    int commits;
    int crashes;
    int midPersistCrashes;
    int snapshotsSent;
    int confChanges;
    int transfers;
    int readsServed;
    int reads;
    int partitions;
    int maxTicksToProgress;
    int readsRefused;
  }

  final class SimNode {
    final long id;
    final MemoryStorage storage;
    RaftNode raft;
    int incarnation;
    // Durable application state.
    long appliedIndex;
    long stateHash;
    ConfState conf;
    /** If >= 0, the next persist crashes after this many writes. */
    int crashAfterWrites = -1;

    SimNode(long id, MemoryStorage storage, ConfState conf) {
      this.id = id;
      this.storage = storage;
      this.conf = conf;
    }

    boolean up() {
      return raft != null;
    }

    void start() {
      incarnation++;
      Snapshot snap = storage.snapshot();
      if (appliedIndex < snap.index()) {
        // Crashed after persisting a snapshot but before restoring the state machine from it.
        restoreFromSnapshot(snap);
      }
      RaftConfig cfg =
          new RaftConfig(
                  id, ELECTION_TICKS, 1, preVote, checkQuorum, 4, maxMsgSize, 0,
                  new SplittableRandom(seed * 31 + id * 1_000_003L + incarnation))
              .withApplied(appliedIndex);
      raft = new RaftNode(cfg, storage);
    }

    void restoreFromSnapshot(Snapshot snap) {
      appliedIndex = snap.index();
      stateHash = snap.data().length == 0 ? 0 : ByteBuffer.wrap(snap.data()).getLong();
      conf = snap.meta().confState();
    }

    Raft core() {
      return raft.raft();
    }
  }

  SimulatedCluster(long seed, int size) {
    this.seed = seed;
    this.rnd = new SplittableRandom(seed);
    this.initialSize = size;
    this.maxId = size + 2;
    this.preVote = rnd.nextInt(4) != 0;
    this.checkQuorum = rnd.nextInt(4) != 0;
    // One entry per append half of the time: batching hides interleavings (figure 8 needs an
    // old-term entry to be acknowledged without the new leader's first entry).
    this.maxMsgSize = rnd.nextBoolean() ? 1 : 64;
    chooseProfile();
    Set<Long> voters = new HashSet<>();
    for (long id = 1; id <= size; id++) {
      voters.add(id);
    }
    ConfState cs = new ConfState(voters, Set.of());
    for (long id = 1; id <= size; id++) {
      SimNode n = new SimNode(id, MemoryStorage.bootstrap(cs), cs);
      nodes.put(id, n);
      n.start();
    }
  }

  void log(String s) {
    if (trace.size() >= 80) {
      trace.removeFirst();
    }
    trace.addLast("t" + time + " " + s);
  }

  // ------------------------------------------------------------------ random steps

  /** Operations of a random step, with base weights; each run scales the disruptive ones. */
  enum Op {
    DELIVER(380),
    TICK(250),
    PROPOSE(120),
    DROP(30),
    DUPLICATE(20),
    PARTITION(15),
    HEAL(25),
    CRASH(15),
    RESTART(25),
    CONF_CHANGE(15),
    TRANSFER(15),
    READ_INDEX(70),
    COMPACT(30),
    DELIVER_BURST(50),
    CAMPAIGN(8),
    TICK_ONE(40),
    CUT_ONE_WAY(4);

    final int weight;

    Op(int weight) {
      this.weight = weight;
    }
  }

  private int[] weights;
  private int totalWeight;
  private int[] calmWeights;
  private int calmTotal;
  private int stepCount;

  /** Varies chaos per run: some runs are calm, some are mostly partitions, crashes or drops. */
  private void chooseProfile() {
    weights = new int[Op.values().length];
    int[] scale = {0, 1, 1, 3, 6};
    for (Op op : Op.values()) {
      int w = op.weight;
      switch (op) {
        case DROP, DUPLICATE, PARTITION, CRASH, TRANSFER, CONF_CHANGE, COMPACT, CAMPAIGN, TICK_ONE,
            CUT_ONE_WAY ->
            w = op.weight * scale[rnd.nextInt(scale.length)];
        default -> {}
      }
      weights[op.ordinal()] = w;
    }
    // Crash-heavy runs restart nodes proportionally faster, so most nodes are usually up.
    weights[Op.RESTART.ordinal()] += 2 * weights[Op.CRASH.ordinal()];
    for (int w : weights) {
      totalWeight += w;
    }
    // Every third stretch of 100 steps is calm: no new faults, so the cluster recovers and commits
    // (and the next chaotic stretch starts from interesting, divergent-but-busy states).
    calmWeights = new int[Op.values().length];
    for (Op op : Op.values()) {
      calmWeights[op.ordinal()] =
          switch (op) {
            case DROP, DUPLICATE, PARTITION, CRASH, CUT_ONE_WAY, CAMPAIGN, TICK_ONE -> 0;
            case HEAL -> 20;
            case RESTART -> 60;
            default -> op.weight;
          };
      calmTotal += calmWeights[op.ordinal()];
    }
  }

  void randomStep() {
    boolean calm = (stepCount++ / 100) % 3 == 2;
    int[] w = calm ? calmWeights : weights;
    int r = rnd.nextInt(calm ? calmTotal : totalWeight);
    Op op = Op.DELIVER;
    for (Op o : Op.values()) {
      r -= w[o.ordinal()];
      if (r < 0) {
        op = o;
        break;
      }
    }
    switch (op) {
      case DELIVER -> deliverSome(1 + rnd.nextInt(4));
      case TICK -> {
        tickAll();
        // The network keeps moving with time: most messages that are due arrive now (in random
        // order); the rest stay behind, delayed and reordered.
        deliverSome((int) (deliverable().size() * 0.7));
      }
      case PROPOSE -> proposeSomewhere();
      case DROP -> dropOne();
      case DUPLICATE -> duplicateOne();
      case PARTITION -> randomPartition();
      case HEAL -> heal();
      case CRASH -> crashOne();
      case RESTART -> restartOne();
      case CONF_CHANGE -> confChange();
      case TRANSFER -> transfer();
      case READ_INDEX -> readIndex();
      case COMPACT -> compactOne();
      case DELIVER_BURST -> deliverSome(8);
      case TICK_ONE -> {
        // Clock skew: one node's timer runs ahead.
        SimNode n = randomNode(true);
        if (n != null) {
          n.raft.tick();
        }
      }
      case CUT_ONE_WAY -> {
        long a = 1 + rnd.nextInt(maxId);
        long b = 1 + rnd.nextInt(maxId);
        if (a != b) {
          oneWay.add(List.of(a, b));
          log("cut " + a + " -> " + b);
        }
      }
      case CAMPAIGN -> {
        SimNode n = randomNode(true);
        if (n != null) {
          log("campaign " + n.id);
          n.raft.campaign();
        }
      }
    }
    processAllReadies();
    checkInvariants();
  }

  void tickAll() {
    time++;
    for (SimNode n : nodes.values()) {
      if (n.up()) {
        n.raft.tick();
      }
    }
  }

  List<Envelope> deliverable() {
    List<Envelope> out = new ArrayList<>();
    for (Envelope e : inflight) {
      if (e.deliverAt <= time) {
        out.add(e);
      }
    }
    return out;
  }

  void deliverSome(int k) {
    for (int i = 0; i < k; i++) {
      List<Envelope> ready = deliverable();
      if (ready.isEmpty()) {
        return;
      }
      Envelope e = ready.get(rnd.nextInt(ready.size()));
      inflight.remove(e);
      deliver(e.m);
    }
  }

  boolean cut(long a, long b) {
    return (partition != null && partition.contains(a) != partition.contains(b))
        || oneWay.contains(List.of(a, b));
  }

  void deliver(Message m) {
    SimNode to = nodes.get(m.to());
    if (to == null || !to.up() || cut(m.from(), m.to())) {
      lost(m);
      return;
    }
    log("deliver " + m);
    if (m.type() == MessageType.SNAP) {
      stats.snapshotsSent++;
    }
    to.raft.step(m);
    processReady(to);
    if (m.type() == MessageType.SNAP) {
      // The transport reports the outcome of a snapshot stream to the sender.
      SimNode from = nodes.get(m.from());
      if (from != null && from.up()) {
        from.raft.reportSnapshot(m.to(), true);
      }
    }
  }

  void dropOne() {
    if (!inflight.isEmpty()) {
      Message m = inflight.remove(rnd.nextInt(inflight.size())).m;
      log("drop " + m);
      lost(m);
    }
  }

  /** The transport notices a failed snapshot stream and tells the sender. */
  void lost(Message m) {
    if (m.type() == MessageType.SNAP) {
      SimNode from = nodes.get(m.from());
      if (from != null && from.up()) {
        from.raft.reportSnapshot(m.to(), false);
      }
    }
  }

  void duplicateOne() {
    if (!inflight.isEmpty()) {
      Envelope e = inflight.get(rnd.nextInt(inflight.size()));
      inflight.add(new Envelope(e.m, time + rnd.nextInt(4)));
    }
  }

  void randomPartition() {
    List<Long> ids = new ArrayList<>(nodes.keySet());
    Set<Long> side = new HashSet<>();
    int k = 1 + rnd.nextInt(Math.max(1, ids.size() / 2));
    while (side.size() < k) {
      side.add(ids.get(rnd.nextInt(ids.size())));
    }
    partition = side;
    stats.partitions++;
    log("partition " + side);
  }

  void heal() {
    if (partition != null) {
      log("heal");
    }
    partition = null;
    oneWay.clear();
  }

  SimNode randomNode(boolean up) {
    List<SimNode> c = new ArrayList<>();
    for (SimNode n : nodes.values()) {
      if (n.up() == up) {
        c.add(n);
      }
    }
    return c.isEmpty() ? null : c.get(rnd.nextInt(c.size()));
  }

  SimNode leader() {
    SimNode best = null;
    for (SimNode n : nodes.values()) {
      if (n.up() && n.core().role == Role.LEADER && (best == null || n.core().term > best.core().term)) {
        best = n;
      }
    }
    return best;
  }

  void crashOne() {
    SimNode n = randomNode(true);
    if (n == null) {
      return;
    }
    if (rnd.nextBoolean()) {
      crash(n);
    } else {
      // Crash in the middle of the next persist.
      n.crashAfterWrites = rnd.nextInt(4);
    }
  }

  void crash(SimNode n) {
    log("crash " + n.id);
    stats.crashes++;
    n.raft = null;
    n.crashAfterWrites = -1;
  }

  void restartOne() {
    SimNode n = randomNode(false);
    if (n != null) {
      log("restart " + n.id);
      n.start();
    }
  }

  void proposeSomewhere() {
    // Any node that believes it leads, not just the newest leader: proposals to a deposed leader in
    // a minority build the divergent, uncommitted tails that log repair must later discard.
    List<SimNode> leaders = new ArrayList<>();
    for (SimNode c : nodes.values()) {
      if (c.up() && c.core().role == Role.LEADER) {
        leaders.add(c);
      }
    }
    SimNode n =
        rnd.nextInt(4) == 0 || leaders.isEmpty()
            ? randomNode(true)
            : leaders.get(rnd.nextInt(leaders.size()));
    if (n == null) {
      return;
    }
    byte[] data = ByteBuffer.allocate(16).putLong(seed).putLong(nextData++).array();
    try {
      n.raft.propose(data);
      log("propose at " + n.id);
    } catch (ProposalDroppedException e) {
      log("propose at " + n.id + " dropped: " + e.getMessage());
    }
  }

  void readIndex() {
    SimNode n = randomNode(true);
    if (n == null) {
      return;
    }
    byte[] ctx = ByteBuffer.allocate(8).putLong(nextRead++).array();
    // The global order: anything committed anywhere before the request must be visible.
    readIssuedAtCommit.put(ByteBuffer.wrap(ctx), maxCommitSeen);
    stats.reads++;
    try {
      n.raft.readIndex(ctx);
      log("read at " + n.id + " commitSeen=" + maxCommitSeen);
    } catch (ProposalDroppedException e) {
      log("read at " + n.id + " dropped");
      stats.readsRefused++;
    }
  }

  void transfer() {
    SimNode l = leader();
    if (l == null) {
      return;
    }
    List<Long> voters = new ArrayList<>(l.core().prs.config.voters());
    long to = voters.get(rnd.nextInt(voters.size()));
    log("transfer " + l.id + " -> " + to);
    stats.transfers++;
    l.raft.transferLeadership(to);
  }

  void confChange() {
    SimNode l = leader();
    if (l == null) {
      return;
    }
    ConfState cs = l.core().prs.config;
    List<ConfChange> options = new ArrayList<>();
    for (long id = 1; id <= maxId; id++) {
      if (!cs.contains(id) && !everRemoved.contains(id) && cs.voters().size() + cs.learners().size() < maxId) {
        options.add(ConfChange.addLearner(id));
        options.add(ConfChange.addVoter(id));
      }
    }
    for (long id : cs.learners()) {
      options.add(ConfChange.promote(id));
      options.add(ConfChange.remove(id));
    }
    if (cs.voters().size() > 3) {
      for (long id : cs.voters()) {
        options.add(ConfChange.remove(id));
      }
    }
    if (options.isEmpty()) {
      return;
    }
    ConfChange cc = options.get(rnd.nextInt(options.size()));
    try {
      l.raft.proposeConfChange(cc);
      log("conf change " + cc.type() + " " + cc.nodeId() + " at " + l.id);
      if (cc.type() == ConfChange.Type.REMOVE) {
        everRemoved.add(cc.nodeId());
      }
    } catch (ProposalDroppedException e) {
      log("conf change dropped: " + e.getMessage());
    }
  }

  void compactOne() {
    SimNode n = randomNode(true);
    if (n == null || n.appliedIndex <= n.storage.snapshot().index()) {
      return;
    }
    long i = n.appliedIndex;
    n.storage.createSnapshot(i, n.conf, ByteBuffer.allocate(8).putLong(n.stateHash).array());
    n.storage.compact(i);
    log("compact " + n.id + " at " + i);
  }

  // ------------------------------------------------------------------ the driver

  void processAllReadies() {
    boolean any = true;
    while (any) {
      any = false;
      for (SimNode n : new ArrayList<>(nodes.values())) {
        if (n.up() && n.raft.hasReady()) {
          processReady(n);
          any = true;
        }
      }
    }
  }

  void processReady(SimNode n) {
    while (n.up() && n.raft.hasReady()) {
      Ready rd = n.raft.ready();
      int writes = 0;
      if (rd.snapshot() != null) {
        if (crashNow(n, writes++)) {
          return;
        }
        n.storage.applySnapshot(rd.snapshot());
      }
      if (!rd.entries().isEmpty()) {
        if (n.crashAfterWrites == writes) {
          // Torn write: some prefix of the entries made it to disk.
          int k = rnd.nextInt(rd.entries().size() + 1);
          persistEntries(n, rd.entries().subList(0, k));
          crashNow(n, writes);
          return;
        }
        writes++;
        persistEntries(n, rd.entries());
      }
      if (rd.hardState() != null) {
        if (crashNow(n, writes++)) {
          return;
        }
        HardState hs = rd.hardState();
        if (hs.vote() != 0) {
          Long prev = votesByNode.computeIfAbsent(n.id, k -> new HashMap<>()).putIfAbsent(hs.term(), hs.vote());
          check(prev == null || prev == hs.vote(),
              "node " + n.id + " voted for " + prev + " and " + hs.vote() + " in term " + hs.term());
        }
        n.storage.setHardState(hs);
      }
      if (crashNow(n, writes)) {
        return;
      }
      for (Message m : rd.messages()) {
        send(m);
      }
      if (rd.snapshot() != null) {
        n.restoreFromSnapshot(rd.snapshot());
        log("node " + n.id + " restored snapshot " + rd.snapshot().index());
      }
      for (Entry e : rd.committedEntries()) {
        apply(n, e);
      }
      for (ReadState rs : rd.readStates()) {
        Long atIssue = readIssuedAtCommit.get(ByteBuffer.wrap(rs.context()));
        check(atIssue != null, "read state for a context never issued");
        check(rs.index() >= atIssue,
            "stale read at node " + n.id + ": index " + rs.index() + " < commit " + atIssue + " seen at issue");
        stats.readsServed++;
      }
      n.raft.advance(rd);
    }
  }

  private boolean crashNow(SimNode n, int writesDone) {
    if (n.crashAfterWrites >= 0 && n.crashAfterWrites <= writesDone) {
      stats.midPersistCrashes++;
      crash(n);
      return true;
    }
    return false;
  }

  void persistEntries(SimNode n, List<Entry> ents) {
    if (ents.isEmpty()) {
      return;
    }
    long prevTerm;
    try {
      prevTerm = n.storage.term(ents.get(0).index() - 1);
    } catch (StorageException e) {
      prevTerm = -1;
    }
    for (Entry e : ents) {
      long[] mine = {dataHash(e), prevTerm};
      long[] seen = persisted.putIfAbsent(new IndexTerm(e.index(), e.term()), mine);
      if (seen != null) {
        check(seen[0] == mine[0],
            "log matching: entry " + e.index() + "/" + e.term() + " differs between logs");
        check(seen[1] == mine[1] || seen[1] < 0 || mine[1] < 0,
            "log matching: entries " + e.index() + "/" + e.term() + " have different predecessors");
        if (seen[1] < 0) {
          seen[1] = mine[1];
        }
      }
      prevTerm = e.term();
    }
    n.storage.append(ents);
  }

  void apply(SimNode n, Entry e) {
    check(e.index() == n.appliedIndex + 1,
        "node " + n.id + " applies " + e.index() + " after " + n.appliedIndex);
    n.appliedIndex = e.index();
    n.stateHash = n.stateHash * 1_000_003L + dataHash(e);
    if (e.type() == EntryType.CONF_CHANGE) {
      ConfChange cc = ConfChange.decode(e.data());
      n.conf = n.raft.applyConfChange(cc);
      n.storage.setConfState(n.conf);
      log("node " + n.id + " applied " + cc.type() + " " + cc.nodeId() + " -> " + n.conf);
    }
    long[] mine = {e.term(), dataHash(e), n.stateHash};
    long[] seen = applied.putIfAbsent(e.index(), mine);
    if (seen == null) {
      stats.commits++;
      if (e.type() == EntryType.CONF_CHANGE) {
        stats.confChanges++;
      }
    } else {
      check(seen[0] == mine[0] && seen[1] == mine[1],
          "node " + n.id + " applied a different entry at " + e.index());
      check(seen[2] == mine[2], "node " + n.id + " state diverged at " + e.index());
    }
  }

  static long dataHash(Entry e) {
    return Arrays.hashCode(e.data()) * 31L + e.type().ordinal();
  }

  void send(Message m) {
    if (!nodes.containsKey(m.to()) && m.to() >= 1 && m.to() <= maxId) {
      // A newly added member: the operator starts it with an empty log.
      SimNode joiner = new SimNode(m.to(), new MemoryStorage(), ConfState.EMPTY);
      nodes.put(m.to(), joiner);
      joiner.start();
      log("start joiner " + m.to());
    }
    if (inflight.size() >= MAX_QUEUE) {
      lost(inflight.remove(rnd.nextInt(inflight.size())).m);
    }
    inflight.add(new Envelope(m, time + rnd.nextInt(3)));
  }

  // ------------------------------------------------------------------ invariants

  void checkInvariants() {
    for (SimNode n : nodes.values()) {
      if (!n.up()) {
        continue;
      }
      maxCommitSeen = Math.max(maxCommitSeen, n.core().log.committed);
      observeCommits(n);
    }
    for (SimNode n : nodes.values()) {
      if (!n.up()) {
        continue;
      }
      Raft r = n.core();
      if (r.role == Role.LEADER) {
        Long prev = leaderOfTerm.putIfAbsent(r.term, n.id);
        check(prev == null || prev == n.id,
            "two leaders in term " + r.term + ": " + prev + " and " + n.id);
        if (prev == null) {
          stats.elections++;
          log("leader " + n.id + " term " + r.term);
          checkLeaderCompleteness(n);
        }
      }
    }
  }

  /**
   * Raft §5.4 (leader completeness): an entry committed in term T is in the log of every leader of
   * a term after T. The term an entry was committed in is bounded from above by the term of any
   * node that knows it committed (it learned so from a leader of its term, or is that leader), so
   * each index keeps the smallest such term seen. A leader of an earlier or equal term may lack it:
   * a slow election can complete after a newer leader committed more.
   */
  void checkLeaderCompleteness(SimNode n) {
    RaftLog l = n.core().log;
    long term = n.core().term;
    long first = l.firstIndex();
    for (Map.Entry<Long, long[]> e : committedAt.entrySet()) {
      long index = e.getKey();
      long entryTerm = e.getValue()[0];
      long commitTerm = e.getValue()[1];
      if (commitTerm >= term || index < first) {
        continue; // not yet committed when this leader's term began, or covered by its snapshot
      }
      check(index <= l.lastIndex() && l.termOrZero(index) == entryTerm,
          "leader " + n.id + " of term " + term + " lacks entry " + index + " (term " + entryTerm
              + ") committed in term " + commitTerm);
    }
  }

  /** Records, for newly known commit indexes, the entry's term and an upper bound of its commit term. */
  void observeCommits(SimNode n) {
    Raft r = n.core();
    long from = Math.max(commitSeen.getOrDefault(n.id, 0L), r.log.firstIndex() - 1) + 1;
    for (long i = from; i <= r.log.committed; i++) {
      long entryTerm = r.log.termOrZero(i);
      long[] info = committedAt.get(i);
      if (info == null) {
        committedAt.put(i, new long[] {entryTerm, r.term});
      } else {
        check(entryTerm == 0 || info[0] == 0 || info[0] == entryTerm,
            "node " + n.id + " committed term " + entryTerm + " at " + i + ", others term " + info[0]);
        info[1] = Math.min(info[1], r.term);
        if (info[0] == 0) {
          info[0] = entryTerm;
        }
      }
    }
    commitSeen.put(n.id, Math.max(commitSeen.getOrDefault(n.id, 0L), r.log.committed));
  }

  void check(boolean ok, String what) {
    if (!ok) {
      throw new AssertionError(what);
    }
  }

  // ------------------------------------------------------------------ liveness

  /**
   * Heals the network and restarts every node, then requires a fresh proposal to be applied on
   * every member of the leader's configuration within maxTicks ticks. Returns ticks needed.
   */
  int requireProgress(int maxTicks) {
    heal();
    for (SimNode n : nodes.values()) {
      n.crashAfterWrites = -1;
      if (!n.up()) {
        n.start();
      }
    }
    Set<Long> markers = new HashSet<>();
    for (int t = 0; t < maxTicks; t++) {
      // Deliver everything in order, reliably.
      for (int round = 0; round < 50 && !inflight.isEmpty(); round++) {
        List<Envelope> batch = new ArrayList<>(inflight);
        inflight.clear();
        for (Envelope e : batch) {
          deliver(e.m);
        }
        processAllReadies();
        checkInvariants();
      }
      SimNode l = leader();
      if (l != null && markerAppliedEverywhere(l, markers)) {
        return t;
      }
      if (l != null && t % 10 == 0) {
        // (Re)propose: an earlier marker may have been lost with a deposed leader's log.
        byte[] marker = ByteBuffer.allocate(16).putLong(-seed).putLong(nextData++).array();
        try {
          l.raft.propose(marker);
          markers.add(Arrays.hashCode(marker) * 31L);
          log("liveness marker at " + l.id);
        } catch (ProposalDroppedException e) {
          log("liveness marker dropped at " + l.id + ": " + e.getMessage());
        }
        processAllReadies();
      }
      tickAll();
      processAllReadies();
      checkInvariants();
    }
    throw new AssertionError("no progress within " + maxTicks + " ticks after healing");
  }

  private boolean markerAppliedEverywhere(SimNode l, Set<Long> markers) {
    for (Map.Entry<Long, long[]> e : applied.descendingMap().entrySet()) {
      if (!markers.contains(e.getValue()[1])) {
        continue;
      }
      long index = e.getKey();
      ConfState cs = l.core().prs.config;
      Set<Long> members = new HashSet<>(cs.voters());
      members.addAll(cs.learners());
      for (long id : members) {
        SimNode n = nodes.get(id);
        if (n == null || !n.up() || n.appliedIndex < index) {
          return false;
        }
      }
      return true;
    }
    return false;
  }

  String describe() {
    StringBuilder b = new StringBuilder();
    for (SimNode n : nodes.values()) {
      b.append("  node ").append(n.id);
      if (n.up()) {
        Raft r = n.core();
        b.append(' ').append(r.role).append(" term=").append(r.term).append(" vote=").append(r.vote)
            .append(" lead=").append(r.leader).append(" commit=").append(r.log.committed)
            .append(" last=").append(r.log.lastIndex()).append(" first=").append(r.log.firstIndex())
            .append(" conf=").append(r.prs.config);
        if (r.role == Role.LEADER) {
          b.append(" prs=").append(r.prs.progress);
        }
      } else {
        b.append(" DOWN");
      }
      b.append(" applied=").append(n.appliedIndex).append('\n');
    }
    b.append("  preVote=").append(preVote).append(" checkQuorum=").append(checkQuorum)
        .append(" weights=").append(Arrays.toString(weights)).append('\n');
    b.append("  last events:\n");
    for (String s : trace) {
      b.append("    ").append(s).append('\n');
    }
    return b.toString();
  }
}
