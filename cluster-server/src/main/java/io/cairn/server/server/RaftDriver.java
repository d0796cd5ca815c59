package io.cairn.server.server;

import io.cairn.server.apply.Command;
import io.cairn.server.cluster.MemberTable;
import io.cairn.server.cluster.Peers;
import io.cairn.server.cluster.RequestIds;
import io.cairn.server.errors.EtcdError;
import io.cairn.server.errors.EtcdException;
import io.cairn.server.metrics.EtcdMetrics;
import io.cairn.server.mvcc.MvccStore;
import io.cairn.server.mvcc.WriteBatch;
import io.cairn.server.raft.ConfChange;
import io.cairn.server.raft.ConfState;
import io.cairn.server.raft.Entry;
import io.cairn.server.raft.EntryType;
import io.cairn.server.raft.MemoryStorage;
import io.cairn.server.raft.Message;
import io.cairn.server.raft.MessageType;
import io.cairn.server.raft.ProposalDroppedException;
import io.cairn.server.raft.RaftNode;
import io.cairn.server.raft.ReadState;
import io.cairn.server.raft.Ready;
import io.cairn.server.raft.Role;
import io.cairn.server.raft.SoftState;
import io.cairn.server.raft.Status;
import io.cairn.server.storage.RaftLogStore;
import io.cairn.server.transport.PeerCallException;
import io.etcd.jetcd.api.Member;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives this member's consensus core: one thread that ticks it, feeds it what peers and clients
 * send, and carries out each {@link Ready} — log entries, hard state and the state machine's
 * changes for the committed entries go to disk in <em>one</em> LMDB transaction (one fsync for a
 * whole batch: group commit), then the messages go out, then waiting clients are answered.
 *
 * <p>Every member applies every committed entry. A proposal carries its proposer's request ID;
 * only the proposer has a client waiting under that ID. A follower forwards proposals to the
 * leader (a peer call, so a refusal comes back at once); while there is no leader they wait, up
 * to the request timeout.
 *
 * <p>A storage failure stops the member (fail-stop): after a failed commit the in-memory state
 * can no longer be trusted.
 */
final class RaftDriver implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RaftDriver.class);
  /** etcd refuses new proposals once this many committed entries wait to be applied. */
  private static final int MAX_PENDING = 5_000;
  /** Entries kept behind a log compaction so slow followers catch up without a snapshot. */
  private static final long CATCH_UP_ENTRIES = 5_000;
  private static final long SLOW_APPLY_NANOS = 100_000_000L;
  /** etcd asks for a read index again after 500 ms without an answer. */
  private static final long READ_RETRY_NANOS = 500_000_000L;
  static final String CALL_PROPOSE = "propose";
  static final String CALL_PROPOSE_CONF = "propose-conf";

  /** What the member around the driver wants to hear about; called on the driver's thread. */
  interface Listener {
    void committed(List<io.etcd.jetcd.api.Event> events, long revision);

    void leaderChanged(long previous, long leader, long term, boolean local);

    void membersChanged(ConfChange change);

    /** A snapshot from the leader replaced the replicated state: reload what is kept in memory. */
    void stateReplaced();
  }

  private final long id;
  private final RaftNode node;
  private final MemoryStorage raftStorage;
  private final RaftLogStore logStore;
  private final MvccStore store;
  private final StateMachine stateMachine;
  private final MemberTable members;
  private final Peers peers;
  private final Executor responder;
  private final Listener listener;
  private final EtcdMetrics metrics;
  private final Runnable onFatal;
  private final long tickMillis;
  private final long requestTimeoutMillis;
  private final long snapshotCount;
  private final RequestIds requestIds;
  private final BlockingQueue<Runnable> inbox = new LinkedBlockingQueue<>();
  private final Map<Long, CompletableFuture<Object>> waits = new ConcurrentHashMap<>();
  private final AtomicInteger pending = new AtomicInteger();
  private final Thread thread;
  private final SnapshotShipping snapshots;

  // Owned by the driver thread.
  private final List<Retry> awaitingLeader = new ArrayList<>();
  /** Data proposals gathered in one loop iteration, appended together (one append per peer). */
  private final List<Retry> proposalBatch = new ArrayList<>();
  private final List<Forwarded> forwardedBatch = new ArrayList<>();
  private List<CompletableFuture<Void>> readWaiters = new ArrayList<>();
  private final Map<Long, List<CompletableFuture<Void>>> readsInFlight = new TreeMap<>();
  /** When each read context was issued, to ask again when the answer was lost. */
  private final Map<Long, Long> readIssuedAt = new java.util.HashMap<>();
  private final TreeMap<Long, List<CompletableFuture<Void>>> readsAwaitingApply = new TreeMap<>();
  private long readContext;
  private ConfState confState;

  private volatile boolean running = true;
  private volatile long appliedIndex;
  private volatile Status lastStatus;
  private volatile SoftState softState = new SoftState(0, Role.FOLLOWER);
  private volatile long term;

  /** A proposal waiting for a leader to take it. */
  private record Retry(long requestId, byte[] data, boolean conf, long deadlineNanos) {}

  /** A proposal a follower forwarded, answered once appended (or refused). */
  private record Forwarded(byte[] data, CompletableFuture<byte[]> answer) {}

  RaftDriver(
      RaftNode node,
      MemoryStorage raftStorage,
      RaftLogStore logStore,
      MvccStore store,
      StateMachine stateMachine,
      MemberTable members,
      Peers peers,
      Executor responder,
      Listener listener,
      EtcdMetrics metrics,
      Runnable onFatal,
      long tickMillis,
      long requestTimeoutMillis,
      long snapshotCount,
      java.nio.file.Path snapshotDir) {
    this.snapshots = new SnapshotShipping(store, logStore, peers, snapshotDir,
        requestTimeoutMillis * 6);
    this.id = node.id();
    this.node = node;
    this.raftStorage = raftStorage;
    this.logStore = logStore;
    this.store = store;
    this.stateMachine = stateMachine;
    this.members = members;
    this.peers = peers;
    this.responder = responder;
    this.listener = listener;
    this.metrics = metrics;
    this.onFatal = onFatal;
    this.tickMillis = tickMillis;
    this.requestTimeoutMillis = requestTimeoutMillis;
    this.snapshotCount = snapshotCount;
    this.requestIds = new RequestIds(id, System.currentTimeMillis());
    this.appliedIndex = store.consistentIndex();
    this.confState = raftStorage.initialState().confState();
    this.term = raftStorage.initialState().hardState().term();
    this.lastStatus = node.status();
    metrics.server().proposalsPending().bindLong(pending::get);
    this.thread = new Thread(this::run, "raft");
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  boolean isRunning() {
    return running && thread.isAlive();
  }

  long appliedIndex() {
    return appliedIndex;
  }

  long term() {
    return term;
  }

  long leader() {
    return softState.leader();
  }

  boolean isLeader() {
    return softState.role() == Role.LEADER;
  }

  /** The core's status as of the last loop iteration (leader's view of followers included). */
  Status status() {
    return lastStatus;
  }

  // ---------------------------------------------------------------- client side (any thread)

  /** Proposes {@code cmd}; the future completes with its result once applied on this member. */
  CompletableFuture<Object> propose(Command cmd) {
    return submit(cmd.encode(), false);
  }

  /** Proposes a membership change; completes with the member list once applied here. */
  CompletableFuture<Object> proposeConfChange(ConfChange.Type type, Member member) {
    byte[] m = member.toByteArray();
    return submitConf(type, member.getID(), m);
  }

  private CompletableFuture<Object> submitConf(ConfChange.Type type, long nodeId, byte[] member) {
    long requestId = requestIds.next();
    byte[] context = ByteBuffer.allocate(8 + member.length).putLong(requestId).put(member).array();
    ConfChange cc = new ConfChange(type, nodeId, context);
    return track(requestId, cc.encode(), true);
  }

  private CompletableFuture<Object> submit(byte[] command, boolean conf) {
    long requestId = requestIds.next();
    byte[] data = ByteBuffer.allocate(8 + command.length).putLong(requestId).put(command).array();
    return track(requestId, data, conf);
  }

  private CompletableFuture<Object> track(long requestId, byte[] data, boolean conf) {
    CompletableFuture<Object> f = new CompletableFuture<>();
    if (!running) {
      f.completeExceptionally(EtcdError.STOPPED.exception());
      return f;
    }
    if (pending.get() >= MAX_PENDING) {
      metrics.server().proposalFailed();
      f.completeExceptionally(EtcdError.TOO_MANY_REQUESTS.exception());
      return f;
    }
    pending.incrementAndGet();
    waits.put(requestId, f);
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(requestTimeoutMillis);
    inbox.add(() -> proposeNow(new Retry(requestId, data, conf, deadline)));
    // Handed to a leader that then lost it, the entry may never commit: give up in time.
    CompletableFuture.delayedExecutor(requestTimeoutMillis, TimeUnit.MILLISECONDS)
        .execute(() -> fail(requestId, leader() == 0 ? EtcdError.NO_LEADER : EtcdError.TIMEOUT));
    return f;
  }

  /**
   * Completes once this member has applied everything committed when the call was made, as
   * confirmed by the leader (ReadIndex): a read served after that is linearizable.
   */
  CompletableFuture<Void> readBarrier() {
    CompletableFuture<Void> f = new CompletableFuture<>();
    if (!running) {
      f.completeExceptionally(EtcdError.STOPPED.exception());
      return f;
    }
    inbox.add(() -> readWaiters.add(f));
    long t0 = System.nanoTime();
    return f.orTimeout(requestTimeoutMillis, TimeUnit.MILLISECONDS)
        .exceptionallyCompose(e -> {
          Throwable c = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
          if (c instanceof java.util.concurrent.TimeoutException) {
            metrics.server().readIndexFailed();
            return CompletableFuture.failedFuture(leader() == 0
                ? EtcdError.NO_LEADER.exception() : EtcdError.TIMEOUT.exception());
          }
          return CompletableFuture.failedFuture(c);
        })
        .whenComplete((v, e) -> {
          if (System.nanoTime() - t0 > SLOW_APPLY_NANOS) {
            metrics.server().slowReadIndex();
          }
        });
  }

  /** A Raft message from a peer. */
  void receive(Message m) {
    inbox.add(() -> node.step(m));
  }

  /** A proposal a follower forwarded to us: accepted (appended) or refused with etcd's error. */
  CompletableFuture<byte[]> acceptForwarded(byte[] data, boolean conf) {
    CompletableFuture<byte[]> f = new CompletableFuture<>();
    inbox.add(() -> {
      if (!conf) {
        forwardedBatch.add(new Forwarded(data, f));
        return;
      }
      try {
        node.proposeConfChange(ConfChange.decode(data));
        f.complete(new byte[0]);
      } catch (ProposalDroppedException e) {
        f.completeExceptionally(refusal(e).exception());
      }
    });
    return f;
  }

  /** Hands leadership to {@code to}; completes when it has a leader that is {@code to}. */
  CompletableFuture<Void> transferLeadership(long to) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    inbox.add(() -> node.transferLeadership(to));
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(requestTimeoutMillis);
    watchUntil(done, deadline, () -> leader() == to, EtcdError.TIMEOUT);
    return done;
  }

  private void watchUntil(CompletableFuture<Void> f, long deadline,
      java.util.function.BooleanSupplier ok, EtcdError onTimeout) {
    if (ok.getAsBoolean()) {
      f.complete(null);
    } else if (System.nanoTime() > deadline) {
      f.completeExceptionally(onTimeout.exception());
    } else {
      CompletableFuture.delayedExecutor(tickMillis, TimeUnit.MILLISECONDS)
          .execute(() -> watchUntil(f, deadline, ok, onTimeout));
    }
  }

  /** Tells the core that a peer could not be reached (it then probes instead of streaming). */
  void reportUnreachable(long peer) {
    inbox.add(() -> node.reportUnreachable(peer));
  }

  /** Runs {@code work} on the driver thread between two batches: nothing is applied meanwhile. */
  <T> CompletableFuture<T> runExclusive(Callable<T> work) {
    CompletableFuture<T> f = new CompletableFuture<>();
    inbox.add(() -> {
      try {
        T v = work.call();
        responder.execute(() -> f.complete(v));
      } catch (Exception e) {
        responder.execute(() -> f.completeExceptionally(e));
      }
    });
    return f;
  }

  /** Starts an election at once (a single-member cluster need not wait for a timeout). */
  void campaign() {
    inbox.add(node::campaign);
  }

  // ---------------------------------------------------------------- the loop (driver thread)

  private void run() {
    long nextTick = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(tickMillis);
    while (running) {
      try {
        long wait = nextTick - System.nanoTime();
        Runnable task = wait > 0 ? inbox.poll(wait, TimeUnit.NANOSECONDS) : inbox.poll();
        int n = 0;
        while (task != null) {
          task.run();
          task = ++n < 10_000 ? inbox.poll() : null;
        }
        if (System.nanoTime() - nextTick >= 0) {
          node.tick();
          nextTick += TimeUnit.MILLISECONDS.toNanos(tickMillis);
          if (System.nanoTime() - nextTick > 0) {
            nextTick = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(tickMillis);
          }
          retryAwaitingLeader();
          retryLostReads();
        }
        proposeBatch();
        startReads();
        while (node.hasReady()) {
          handle(node.ready());
        }
        lastStatus = node.status();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (Throwable t) {
        log.error("raft loop failed; stopping the member", t);
        running = false;
        failAll();
        onFatal.run();
        return;
      }
    }
    failAll();
  }

  private void proposeNow(Retry r) {
    long leader = softState.leader();
    if (leader == id && !r.conf()) {
      proposalBatch.add(r);
    } else if (leader == id) {
      try {
        node.proposeConfChange(ConfChange.decode(r.data()));
      } catch (ProposalDroppedException e) {
        if (retryable(e)) {
          awaitingLeader.add(r);
        } else {
          fail(r.requestId(), refusal(e));
        }
      }
    } else if (leader != 0) {
      peers.call(leader, r.conf() ? CALL_PROPOSE_CONF : CALL_PROPOSE, r.data(), requestTimeoutMillis)
          .whenComplete((ok, e) -> {
            if (e != null) {
              inbox.add(() -> forwardFailed(r, e));
            }
          });
    } else {
      awaitingLeader.add(r);
    }
  }

  /** A forwarded proposal came back refused: retry on a leader change, else give up. */
  private void forwardFailed(Retry r, Throwable e) {
    Throwable c = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    String msg = c.getMessage();
    if (c instanceof PeerCallException && msg != null
        && !msg.equals(EtcdError.NOT_LEADER.exception().getMessage())
        && !msg.equals(EtcdError.NO_LEADER.exception().getMessage())) {
      failWith(r.requestId(), EtcdError.fromMessage(msg));
    } else {
      awaitingLeader.add(r);
    }
  }

  private void retryAwaitingLeader() {
    if (awaitingLeader.isEmpty()) {
      return;
    }
    List<Retry> now = new ArrayList<>(awaitingLeader);
    awaitingLeader.clear();
    long t = System.nanoTime();
    for (Retry r : now) {
      if (t - r.deadlineNanos() > 0) {
        fail(r.requestId(), softState.leader() == 0 ? EtcdError.NO_LEADER : EtcdError.TIMEOUT);
      } else if (softState.leader() == 0) {
        awaitingLeader.add(r);
      } else {
        proposeNow(r);
      }
    }
  }

  private static boolean retryable(ProposalDroppedException e) {
    return switch (e.reason()) {
      case NOT_LEADER, NO_LEADER, LEADER_TRANSFER_IN_PROGRESS, CONF_CHANGE_PENDING -> true;
      default -> false;
    };
  }

  private static EtcdError refusal(ProposalDroppedException e) {
    return switch (e.reason()) {
      case NOT_LEADER -> EtcdError.NOT_LEADER;
      case NO_LEADER -> EtcdError.NO_LEADER;
      case UNCOMMITTED_LIMIT_EXCEEDED -> EtcdError.TOO_MANY_REQUESTS;
      case NOT_A_MEMBER -> EtcdError.STOPPED;
      case LEADER_TRANSFER_IN_PROGRESS, CONF_CHANGE_PENDING -> EtcdError.TIMEOUT;
    };
  }

  private void fail(long requestId, EtcdError error) {
    failWith(requestId, error.exception());
  }

  private void failWith(long requestId, EtcdException e) {
    CompletableFuture<Object> f = waits.remove(requestId);
    if (f != null) {
      pending.decrementAndGet();
      metrics.server().proposalFailed();
      responder.execute(() -> f.completeExceptionally(e));
    }
  }

  /**
   * A read confirmation can be lost with a dropped message (or a leader that stepped down without
   * answering); like etcd, ask again after a while rather than wait for the request timeout.
   */
  private void retryLostReads() {
    long cutoff = System.nanoTime() - READ_RETRY_NANOS;
    for (Iterator<Map.Entry<Long, Long>> it = readIssuedAt.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Long, Long> e = it.next();
      if (e.getValue() - cutoff < 0) {
        it.remove();
        List<CompletableFuture<Void>> batch = readsInFlight.remove(e.getKey());
        if (batch != null) {
          batch.removeIf(CompletableFuture::isDone);
          readWaiters.addAll(batch);
        }
      }
    }
  }

  /** Appends the data proposals of this iteration, local and forwarded, in one go. */
  private void proposeBatch() {
    if (proposalBatch.isEmpty() && forwardedBatch.isEmpty()) {
      return;
    }
    List<byte[]> data = new ArrayList<>(proposalBatch.size() + forwardedBatch.size());
    proposalBatch.forEach(r -> data.add(r.data()));
    forwardedBatch.forEach(f -> data.add(f.data()));
    try {
      node.proposeAll(data);
      forwardedBatch.forEach(f -> f.answer().complete(new byte[0]));
    } catch (ProposalDroppedException e) {
      for (Retry r : proposalBatch) {
        if (retryable(e)) {
          awaitingLeader.add(r);
        } else {
          fail(r.requestId(), refusal(e));
        }
      }
      EtcdException refused = refusal(e).exception();
      forwardedBatch.forEach(f -> f.answer().completeExceptionally(refused));
    } finally {
      proposalBatch.clear();
      forwardedBatch.clear();
    }
  }

  private void startReads() {
    if (readWaiters.isEmpty()) {
      return;
    }
    byte[] ctx = ByteBuffer.allocate(8).putLong(++readContext).array();
    try {
      node.readIndex(ctx);
      readsInFlight.put(readContext, readWaiters);
      readIssuedAt.put(readContext, System.nanoTime());
      readWaiters = new ArrayList<>();
    } catch (ProposalDroppedException e) {
      // No leader yet: keep them for the next round; their own timeout ends the wait.
      readWaiters.removeIf(CompletableFuture::isDone);
    }
  }

  private void handle(Ready rd) throws Exception {
    if (rd.softState() != null) {
      onSoftState(rd.softState());
    }
    if (rd.hardState() != null) {
      term = rd.hardState().term();
    }
    if (rd.snapshot() != null && !rd.snapshot().isEmpty()) {
      installSnapshot(rd);
    }
    // A leader may send before its own disk write (Raft thesis §10.2.1): the commit index in
    // these messages cannot yet count entries of this Ready, since no follower has acknowledged
    // them, and it counts them as the leader's only after advance(), i.e. after the write.
    // Everyone else persists first: their messages promise what is on disk (votes, appends).
    // (Not with a single voter: its commit index moves on its own append, learners would hear it.)
    boolean sendFirst = softState.role() == Role.LEADER && confState.voters().size() > 1;
    if (sendFirst) {
      send(rd.messages());
    }
    List<Applied> results = new ArrayList<>();
    List<ConfChange> confChanges = new ArrayList<>();
    List<io.etcd.jetcd.api.Event> events;
    long revision;
    try (WriteBatch wb = store.beginBatch()) {
      logStore.append(wb.txn(), rd.entries());
      if (rd.hardState() != null) {
        logStore.setHardState(wb.txn(), rd.hardState());
      }
      long applied = appliedIndex;
      for (Entry e : rd.committedEntries()) {
        if (e.index() <= applied) {
          continue;
        }
        if (e.type() == EntryType.CONF_CHANGE) {
          ConfChange cc = ConfChange.decode(e.data());
          results.add(applyConfChange(wb, cc));
          confChanges.add(cc);
        } else if (e.data().length >= 8) {
          ByteBuffer b = ByteBuffer.wrap(e.data());
          long requestId = b.getLong();
          Command cmd = Command.decode(java.util.Arrays.copyOfRange(e.data(), 8, e.data().length));
          results.add(new Applied(requestId, applyOne(wb, cmd, e.index())));
        }
        applied = e.index();
      }
      wb.setConsistentIndex(applied);
      long t0 = System.nanoTime();
      wb.commit();
      Duration took = Duration.ofNanos(System.nanoTime() - t0);
      if (!rd.entries().isEmpty() || rd.hardState() != null) {
        metrics.disk().walFsync(took);
      }
      if (applied != appliedIndex) {
        metrics.disk().backendCommit(took);
      }
      appliedIndex = applied;
      events = wb.events();
      revision = store.currentRevision();
    }
    raftStorage.append(rd.entries());
    if (rd.hardState() != null) {
      raftStorage.setHardState(rd.hardState());
      metrics.server().proposalsCommitted(rd.hardState().commit());
    }
    if (!sendFirst) {
      send(rd.messages());
    }
    metrics.server().proposalsApplied(appliedIndex);
    if (!events.isEmpty()) {
      listener.committed(events, revision);
    }
    for (ConfChange cc : confChanges) {
      listener.membersChanged(cc);
    }
    for (Applied a : results) {
      CompletableFuture<Object> f = waits.remove(a.requestId());
      if (f != null) {
        pending.decrementAndGet();
        complete(f, a.result());
      }
    }
    for (ReadState rs : rd.readStates()) {
      long ctx = ByteBuffer.wrap(rs.context()).getLong();
      readIssuedAt.remove(ctx);
      List<CompletableFuture<Void>> batch = readsInFlight.remove(ctx);
      if (batch != null) {
        readsAwaitingApply.computeIfAbsent(rs.index(), k -> new ArrayList<>()).addAll(batch);
      }
    }
    releaseReads();
    node.advance(rd);
    maybeCompactLog();
  }

  private record Applied(long requestId, Object result) {}

  private Object applyOne(WriteBatch wb, Command cmd, long index) throws Exception {
    long t0 = System.nanoTime();
    try {
      return stateMachine.apply(wb, cmd, index);
    } catch (EtcdException e) {
      metrics.server().proposalFailed();
      return e;
    } finally {
      if (System.nanoTime() - t0 > SLOW_APPLY_NANOS) {
        metrics.server().slowApply();
      }
    }
  }

  private Applied applyConfChange(WriteBatch wb, ConfChange cc) throws Exception {
    ByteBuffer ctx = ByteBuffer.wrap(cc.context());
    long requestId = ctx.remaining() >= 8 ? ctx.getLong() : 0;
    byte[] memberBytes = new byte[ctx.remaining()];
    ctx.get(memberBytes);
    Member member = memberBytes.length == 0 ? null : Member.parseFrom(memberBytes);
    switch (cc.type()) {
      case ADD_VOTER, ADD_LEARNER -> {
        if (member != null && !members.isRemoved(cc.nodeId())) {
          members.put(wb.txn(), member.toBuilder()
              .setIsLearner(cc.type() == ConfChange.Type.ADD_LEARNER).build());
        }
      }
      case PROMOTE_LEARNER -> {
        Member m = members.get(cc.nodeId());
        if (m != null) {
          members.put(wb.txn(), m.toBuilder().setIsLearner(false).build());
          metrics.server().learnerPromoted();
        }
      }
      case REMOVE -> members.remove(wb.txn(), cc.nodeId());
    }
    confState = node.applyConfChange(cc);
    logStore.setConfState(wb.txn(), confState);
    raftStorage.setConfState(confState);
    log.atInfo()
        .addKeyValue("local-member-id", MemberIds.hex(id))
        .addKeyValue("change", cc.type().toString())
        .addKeyValue("member-id", MemberIds.hex(cc.nodeId()))
        .log("applied a configuration change");
    return new Applied(requestId, members.list());
  }

  /** Installs a snapshot the core accepted (see {@link SnapshotShipping#install}). */
  private void installSnapshot(Ready rd) throws Exception {
    io.cairn.server.raft.Snapshot snap = rd.snapshot();
    confState = snap.meta().confState();
    boolean replaced = snapshots.install(snap);
    raftStorage.applySnapshot(new io.cairn.server.raft.Snapshot(snap.meta(), null));
    if (replaced) {
      listener.stateReplaced();
      log.atInfo()
          .addKeyValue("local-member-id", MemberIds.hex(id))
          .addKeyValue("snapshot-index", snap.index())
          .addKeyValue("revision", store.currentRevision())
          .log("installed a snapshot from the leader");
    }
    appliedIndex = Math.max(snap.index(), replaced ? store.consistentIndex() : appliedIndex);
  }

  private void send(List<Message> messages) {
    List<Message> plain = new ArrayList<>(messages.size());
    for (Message m : messages) {
      if (m.type() == MessageType.HEARTBEAT && !peers.isActive(m.to())) {
        metrics.server().heartbeatSendFailure();
      }
      if (m.type() == MessageType.SNAP) {
        snapshots.send(m, (to, ok) -> inbox.add(() -> node.reportSnapshot(to, ok)));
      } else {
        plain.add(m);
      }
    }
    peers.sendAll(plain);
  }

  private void releaseReads() {
    while (!readsAwaitingApply.isEmpty() && readsAwaitingApply.firstKey() <= appliedIndex) {
      for (CompletableFuture<Void> f : readsAwaitingApply.pollFirstEntry().getValue()) {
        responder.execute(() -> f.complete(null));
      }
    }
  }

  private void onSoftState(SoftState ss) {
    SoftState before = softState;
    softState = ss;
    if (before.leader() != ss.leader()) {
      if (ss.leader() != 0) {
        // etcd counts leaders seen, not the gaps between them.
        metrics.server().leaderChanged("elected");
      }
      listener.leaderChanged(before.leader(), ss.leader(), node.status().hardState().term(),
          ss.leader() == id);
      // Reads waiting on the old leader's confirmation will never hear back.
      for (List<CompletableFuture<Void>> batch : readsInFlight.values()) {
        batch.forEach(f -> responder.execute(
            () -> f.completeExceptionally(EtcdError.LEADER_CHANGED.exception())));
      }
      readsInFlight.clear();
      readIssuedAt.clear();
    }
  }

  private void maybeCompactLog() {
    long first = raftStorage.firstIndex();
    long catchUp = Math.min(CATCH_UP_ENTRIES, snapshotCount);
    if (appliedIndex - first < snapshotCount + catchUp) {
      return;
    }
    long at = appliedIndex - catchUp;
    var snap = raftStorage.createSnapshot(at, confState, null);
    raftStorage.compact(at);
    try (var w = store.backend().write()) {
      logStore.setSnapshot(w.txn(), snap.meta());
      w.commit();
    }
    log.atInfo()
        .addKeyValue("local-member-id", MemberIds.hex(id))
        .addKeyValue("compact-index", at)
        .log("compacted Raft logs");
  }

  private void complete(CompletableFuture<Object> f, Object result) {
    if (result instanceof CompletableFuture<?> later) {
      later.whenCompleteAsync(
          (v, e) -> {
            if (e != null) {
              f.completeExceptionally(e);
            } else {
              f.complete(v);
            }
          },
          responder);
    } else if (result instanceof Throwable t) {
      responder.execute(() -> f.completeExceptionally(t));
    } else {
      responder.execute(() -> f.complete(result));
    }
  }

  private void failAll() {
    for (Long rid : List.copyOf(waits.keySet())) {
      fail(rid, EtcdError.STOPPED);
    }
    Runnable r;
    while ((r = inbox.poll()) != null) {
      // Drop queued work; futures created by it are failed above or by their own timeouts.
    }
    for (List<CompletableFuture<Void>> batch : readsInFlight.values()) {
      batch.forEach(f -> f.completeExceptionally(EtcdError.STOPPED.exception()));
    }
    readWaiters.forEach(f -> f.completeExceptionally(EtcdError.STOPPED.exception()));
  }

  @Override
  public void close() {
    running = false;
    snapshots.close();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
