package io.cairn.server.server;

import io.cairn.server.util.DaemonThreads;
import io.cairn.server.alarm.Alarms;
import io.cairn.server.apply.Command;
import io.cairn.server.apply.KvApplier;
import io.cairn.server.apply.LeaseApplier;
import io.cairn.server.lease.Lessor;
import io.cairn.server.metrics.EtcdMetrics;
import io.cairn.server.watch.WatchHub;
import io.cairn.server.config.ServerConfig;
import io.cairn.server.errors.EtcdError;
import io.cairn.server.mvcc.MvccStore;
import io.cairn.server.snapshot.SnapshotWriter;
import io.cairn.server.storage.Backend;
import io.cairn.server.storage.DataDirLock;
import io.cairn.server.storage.Schema;
import io.etcd.jetcd.api.ResponseHeader;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member: its stores, its write path, and its identity. The API layer calls {@link
 * #propose} for writes and reads the store directly for serializable reads.
 */
public final class EtcdServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EtcdServer.class);
  /** etcd's default {@code --experimental-watch-progress-notify-interval}. */
  private static final long PROGRESS_NOTIFY_MILLIS = 10 * 60 * 1000L;

  private final ServerConfig config;
  private final DataDirLock lock;
  private final Backend backend;
  private final MvccStore store;
  private final RaftDriver driver;
  private final io.cairn.server.storage.RaftLogStore raftLog;
  private final io.cairn.server.cluster.MemberTable members;
  private final io.cairn.server.cluster.Peers peers;
  private final io.cairn.server.cluster.LeaderHistory leaderHistory =
      new io.cairn.server.cluster.LeaderHistory();
  private final MemberAdmin memberAdmin;
  private final PeerMetrics peerMetrics;
  private final ExecutorService responder;
  private final long memberId;
  private final long clusterId;
  private final KvApplier kv;
  private final Lessor lessor;
  private final LeaseKeeper leaseKeeper;
  private final LeaseForwarding leaseForwarding;
  private final WatchHub watchHub;
  private final Alarms alarms;
  private final EtcdMetrics metrics;
  private final io.cairn.server.auth.AuthStore auth;
  private final io.cairn.server.auth.Authorizer authorizer;
  private final ExecutorService background =
      Executors.newFixedThreadPool(
          2,
          DaemonThreads.named("background"));

  private EtcdServer(ServerConfig config, Runnable onFatal) {
    this.config = config;
    this.metrics = new EtcdMetrics(Versions.ETCD_SERVER);
    this.lock = DataDirLock.acquire(config.dataDir());
    SnapshotWriter.removeStale(config.dataDir());
    removeStaleImages(config);
    long mapSize = Math.max(8L << 30, config.quotaBackendBytes() * 2);
    this.backend = Backend.open(config.dataDir(), mapSize);
    this.store = MvccStore.open(backend);
    this.raftLog = new io.cairn.server.storage.RaftLogStore(backend);
    this.members = new io.cairn.server.cluster.MemberTable(backend);
    Bootstrap.Result boot = Bootstrap.run(config, backend, store, raftLog, members,
        peerJdkTls(config));
    this.memberId = boot.memberId();
    this.clusterId = boot.clusterId();
    this.responder =
        Executors.newFixedThreadPool(
            2,
            DaemonThreads.named("responder"));
    // Named databases are opened before any transaction: LMDB refuses to open one while this
    // thread holds a read transaction.
    backend.openDb(Schema.LEASE);
    backend.openDb(Schema.ALARM);
    backend.openDb(Schema.AUTH);
    backend.openDb(Schema.AUTH_USERS);
    backend.openDb(Schema.AUTH_ROLES);
    try (Backend.Read r = backend.read()) {
      this.lessor =
          new Lessor(() -> backend.db(Schema.LEASE), r.txn(), System::nanoTime,
              minLeaseTtlSeconds(config));
      this.alarms = new Alarms(() -> backend.db(Schema.ALARM), r.txn());
      this.auth = new io.cairn.server.auth.AuthStore(backend, r.txn(),
          io.cairn.server.auth.TokenProvider.fromFlag(config.authToken()));
    }
    this.authorizer = new io.cairn.server.auth.Authorizer(auth,
        config.clientTls() != null && config.clientTls().clientCertAuth());
    attachLeasedKeys();
    this.kv = new KvApplier(new LessorHooks(lessor));
    this.watchHub = new WatchHub(store, PROGRESS_NOTIFY_MILLIS);
    this.peerMetrics = new PeerMetrics(metrics, memberId, this::reportUnreachable);
    this.peers = new io.cairn.server.cluster.TransportPeers(
        new io.cairn.server.transport.PeerTransport(memberId, clusterId, peerClientTls(config),
            peerMetrics));
    StateMachine stateMachine =
        new StateMachine(
            store,
            kv,
            new LeaseApplier(lessor),
            new Quota(backend, alarms, config.quotaBackendBytes(), memberId),
            metrics,
            auth,
            members,
            this::connectTo);
    long ticks = Math.max(2, config.electionTimeoutMs() / Math.max(1, config.heartbeatIntervalMs()));
    long applied = Math.max(store.consistentIndex(), boot.raftStorage().snapshot().index());
    io.cairn.server.raft.RaftNode node = new io.cairn.server.raft.RaftNode(
        new io.cairn.server.raft.RaftConfig(memberId, (int) ticks, 1, true, true, 256, 1 << 20,
            0, new java.util.SplittableRandom(), applied),
        boot.raftStorage());
    this.driver =
        new RaftDriver(
            node,
            boot.raftStorage(),
            raftLog,
            store,
            stateMachine,
            members,
            peers,
            responder,
            new DriverEvents(),
            metrics,
            onFatal,
            config.heartbeatIntervalMs(),
            requestTimeoutMillis(config),
            config.snapshotCount(),
            snapshotDir(config));
    this.leaseKeeper = new LeaseKeeper(lessor, memberId, this::propose, driver::isLeader);
    this.leaseForwarding = new LeaseForwarding(driver, lessor, peers, requestTimeoutMillis(config));
    this.memberAdmin = new MemberAdmin(memberId, members, peers, driver,
        config::strictReconfigCheck, requestTimeoutMillis(config));
    for (io.etcd.jetcd.api.Member m : members.list()) {
      connectTo(m);
    }
  }

  private static void removeStaleImages(ServerConfig cfg) {
    java.nio.file.Path dir = snapshotDir(cfg);
    if (!java.nio.file.Files.isDirectory(dir)) {
      return;
    }
    try (var files = java.nio.file.Files.list(dir)) {
      for (java.nio.file.Path f : files.toList()) {
        java.nio.file.Files.deleteIfExists(f);
      }
    } catch (java.io.IOException e) {
      log.warn("cannot remove stale snapshot images in {}: {}", dir, e.getMessage());
    }
  }

  /** Where snapshot images for and from peers are kept while in transit. */
  public static java.nio.file.Path snapshotDir(ServerConfig cfg) {
    return cfg.dataDir().resolve("member").resolve("snap.raft");
  }

  /** A new file for an incoming snapshot image. */
  public java.nio.file.Path newIncomingSnapshotFile() {
    try {
      java.nio.file.Files.createDirectories(snapshotDir(config));
      return java.nio.file.Files.createTempFile(snapshotDir(config), "recv-", ".img");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** etcd's request timeout: 5 s plus twice the election timeout. */
  private static long requestTimeoutMillis(ServerConfig cfg) {
    return 5_000 + 2 * cfg.electionTimeoutMs();
  }

  private static io.netty.handler.ssl.SslContext peerClientTls(ServerConfig cfg) {
    if (!cfg.peerTlsEnabled()) {
      return null;
    }
    return io.cairn.server.tls.TlsContexts.clientContext(cfg.peerTls(),
        cfg.dataDir().resolve("fixtures").resolve("peer"), List.of());
  }

  /** The peer client TLS context as the JDK's, for the HTTP requests of a joining member. */
  private static javax.net.ssl.SSLContext peerJdkTls(ServerConfig cfg) {
    io.netty.handler.ssl.SslContext ctx = peerClientTls(cfg);
    return ctx instanceof io.netty.handler.ssl.JdkSslContext jdk ? jdk.context() : null;
  }

  /** Keeps a connection to a member other than this one, at its first peer URL. */
  private void connectTo(io.etcd.jetcd.api.Member m) {
    if (m.getID() != memberId && m.getPeerURLsCount() > 0) {
      peers.add(m.getID(), URI.create(m.getPeerURLs(0)));
    }
  }

  private void reportUnreachable(long peer) {
    driver.reportUnreachable(peer);
  }

  /** The driver's news, on its thread. */
  private final class DriverEvents implements RaftDriver.Listener {
    @Override
    public void committed(List<io.etcd.jetcd.api.Event> events, long revision) {
      watchHub.notify(events, revision);
    }

    @Override
    public void leaderChanged(long previous, long leader, long term, boolean local) {
      String reason = leader == 0 ? "lost leader" : previous == 0 ? "elected" : "changed";
      leaderHistory.record(new io.cairn.server.cluster.LeaderHistory.Change(
          java.time.Instant.now(), term, previous, leader, reason));
      if (local) {
        // The new enforcer of lease expiry gives every lease its full TTL (etcd's promote).
        lessor.renewAll();
      }
      var b = log.atInfo()
          .addKeyValue("local-member-id", MemberIds.hex(memberId))
          .addKeyValue("term", term);
      if (leader == 0) {
        b.addKeyValue("lost-leader-id", MemberIds.hex(previous)).log("raft.node: lost leader");
      } else {
        b.addKeyValue("elected-leader-id", MemberIds.hex(leader)).log("raft.node: elected leader");
      }
    }

    @Override
    public void stateReplaced() {
      try (Backend.Read r = backend.read()) {
        lessor.reload(r.txn());
        alarms.reload(r.txn());
        auth.reload(r.txn());
        members.load(r.txn());
      }
      attachLeasedKeys();
      for (io.etcd.jetcd.api.Member m : members.list()) {
        connectTo(m);
      }
      watchHub.resync(store.currentRevision());
    }

    @Override
    public void membersChanged(io.cairn.server.raft.ConfChange change) {
      if (change.type() == io.cairn.server.raft.ConfChange.Type.REMOVE) {
        peers.remove(change.nodeId());
        if (change.nodeId() == memberId) {
          log.warn("the member has been permanently removed from the cluster");
        }
      } else {
        io.etcd.jetcd.api.Member m = members.get(change.nodeId());
        if (m != null) {
          connectTo(m);
        }
      }
    }
  }

  /** Opens the member's data and starts its write path. */
  public static EtcdServer start(ServerConfig config, Runnable onFatal) {
    EtcdServer s = new EtcdServer(config, onFatal);
    s.driver.start();
    s.leaseKeeper.start();
    s.bindMetrics();
    var voters = s.driver.status().config().voters();
    if (voters.size() == 1 && voters.contains(s.memberId)) {
      // Alone, there is nobody to wait for: elect ourselves now rather than after a timeout.
      s.driver.campaign();
    }
    log.atInfo()
        .addKeyValue("local-member-id", MemberIds.hex(s.memberId))
        .addKeyValue("cluster-id", MemberIds.hex(s.clusterId))
        .addKeyValue("term", s.driver.term())
        .addKeyValue("revision", s.store.currentRevision())
        .addKeyValue("applied-index", s.driver.appliedIndex())
        .log("member started");
    return s;
  }

  /**
   * Publishes this member's name and client URLs through the log (etcd's "publish"), retrying
   * until a leader takes it; returns once applied here. Until then the cluster lists the member
   * as unstarted.
   */
  public void publish() throws InterruptedException {
    io.etcd.jetcd.api.Member.Builder m =
        io.etcd.jetcd.api.Member.newBuilder().setID(memberId).setName(config.name());
    config.advertiseClientUrls().forEach(u -> m.addClientURLs(u.toString()));
    Command cmd = Command.of(Command.Kind.MEMBER_ATTRIBUTES, m.build());
    while (driver.isRunning()) {
      try {
        driver.propose(cmd).get();
        return;
      } catch (java.util.concurrent.ExecutionException e) {
        log.atDebug().log("publish failed, retrying: " + e.getCause().getMessage());
        Thread.sleep(config.heartbeatIntervalMs());
      }
    }
  }

  private void bindMetrics() {
    metrics.server().serverId(memberId);
    metrics.server().clusterVersion(Versions.CLUSTER_CAPABILITY);
    metrics.server().hasLeader().bindBoolean(() -> driver.leader() != 0);
    metrics.server().isLeader().bindBoolean(driver::isLeader);
    metrics.server().isLearner().bindBoolean(this::isLearner);
    metrics.server().quotaBackendBytes().bindLong(config::quotaBackendBytes);
    metrics.mvcc().keys().bindLong(store::keyCount);
    metrics.mvcc().currentRevision().bindLong(store::currentRevision);
    metrics.mvcc().compactRevision().bindLong(store::compactRevision);
    metrics.mvcc().dbTotalSize().bindLong(backend::fileSizeBytes);
    metrics.mvcc().dbTotalSizeInUse().bindLong(backend::inUseBytes);
    metrics.mvcc().watchers().bindLong(watchHub::watcherCount);
    metrics.mvcc().watchStreams().bindLong(watchHub::streamCount);
  }

  /** A small pool for long background work on behalf of clients (snapshot copies). */
  public java.util.concurrent.Executor backgroundExecutor() {
    return background;
  }

  public EtcdMetrics metrics() {
    return metrics;
  }

  /** etcd's minimum lease TTL: one and a half election timeouts, in whole seconds rounded up. */
  private static long minLeaseTtlSeconds(ServerConfig cfg) {
    return Math.max(1, (long) Math.ceil(1.5 * cfg.electionTimeoutMs() / 1000.0));
  }

  /** Rebuilds which keys belong to which lease from the keys' own lease fields. */
  private void attachLeasedKeys() {
    var all = store.range(
        io.cairn.server.mvcc.KeyRange.of(
            com.google.protobuf.ByteString.copyFrom(new byte[] {0}),
            com.google.protobuf.ByteString.copyFrom(new byte[] {0})),
        0, 0, false);
    for (io.etcd.jetcd.api.KeyValue kv : all.kvs()) {
      lessor.attach(kv.getLease(), kv.getKey());
    }
  }

  public ServerConfig config() {
    return config;
  }

  public MvccStore store() {
    return store;
  }

  public long memberId() {
    return memberId;
  }

  public long clusterId() {
    return clusterId;
  }

  public long term() {
    return driver.term();
  }

  public long appliedIndex() {
    return driver.appliedIndex();
  }

  /** The leader this member follows (0 when none is known). */
  public long leader() {
    return driver.leader();
  }

  public boolean isLeader() {
    return driver.isLeader();
  }

  public boolean isLearner() {
    io.etcd.jetcd.api.Member m = members.get(memberId);
    return m != null && m.getIsLearner();
  }

  /** The consensus core's view: term, indexes, and (on the leader) each follower's progress. */
  public io.cairn.server.raft.Status raftStatus() {
    return driver.status();
  }

  /** Changes of leader seen by this member, for {@code /cairn/v1/events}. */
  public io.cairn.server.cluster.LeaderHistory leaderHistory() {
    return leaderHistory;
  }

  public io.cairn.server.cluster.MemberTable memberTable() {
    return members;
  }

  public io.cairn.server.cluster.Peers peers() {
    return peers;
  }

  /** What the peer listener reports (received bytes, connections) for the network metrics. */
  public io.cairn.server.transport.TransportListener peerListener() {
    return peerMetrics;
  }

  /** A Raft message from a peer. */
  public void receive(io.cairn.server.raft.Message m) {
    driver.receive(m);
  }

  /** Completes when a read served now would be linearizable (ReadIndex). */
  public CompletableFuture<Void> readBarrier() {
    return driver.readBarrier();
  }

  /** Hands leadership to {@code to}. Only the leader may; completes once {@code to} leads. */
  public CompletableFuture<Void> moveLeader(long to) {
    if (!driver.isLeader()) {
      return CompletableFuture.failedFuture(EtcdError.NOT_LEADER.exception());
    }
    io.etcd.jetcd.api.Member m = members.get(to);
    if (m == null || m.getIsLearner()) {
      return CompletableFuture.failedFuture(EtcdError.BAD_LEADER_TRANSFEREE.exception());
    }
    if (to == memberId) {
      return CompletableFuture.completedFuture(null);
    }
    return driver.transferLeadership(to);
  }

  RaftDriver driver() {
    return driver;
  }

  /** MemberAdd: completes with the new member and the members afterwards. */
  public CompletableFuture<io.etcd.jetcd.api.MemberAddResponse> memberAdd(
      List<String> peerUrls, boolean learner) {
    return memberAdmin.add(peerUrls, learner).thenApply(a ->
        io.etcd.jetcd.api.MemberAddResponse.newBuilder()
            .setHeader(header(ResponseHeader.getDefaultInstance()))
            .setMember(a.member()).addAllMembers(a.members()).build());
  }

  public CompletableFuture<List<io.etcd.jetcd.api.Member>> memberRemove(long id) {
    return memberAdmin.remove(id);
  }

  public CompletableFuture<List<io.etcd.jetcd.api.Member>> memberUpdate(long id,
      List<String> peerUrls) {
    return memberAdmin.update(id, peerUrls);
  }

  public CompletableFuture<List<io.etcd.jetcd.api.Member>> memberPromote(long id) {
    return memberAdmin.promote(id);
  }

  /** Answers a peer's call (see {@link io.cairn.server.transport.CallHandler}). */
  public CompletableFuture<byte[]> handleCall(long from, String method, byte[] request) {
    switch (method) {
      case RaftDriver.CALL_PROPOSE:
        return driver.acceptForwarded(request, false);
      case RaftDriver.CALL_PROPOSE_CONF:
        return driver.acceptForwarded(request, true);
      case LeaseForwarding.CALL_RENEW:
      case LeaseForwarding.CALL_TTL:
        return leaseForwarding.answer(method, request);
      case CALL_PROMOTE:
        return memberAdmin.promote(java.nio.ByteBuffer.wrap(request).getLong())
            .thenApply(v -> new byte[0]);
      default:
        return CompletableFuture.failedFuture(
            new IllegalArgumentException("unknown peer call " + method));
    }
  }

  static final String CALL_PROMOTE = "member-promote";

  /**
   * Renews a lease (LeaseKeepAlive): the leader keeps lease deadlines, so a follower forwards the
   * renewal to it. Completes with the TTL granted, or 0 when the lease does not exist.
   */
  public CompletableFuture<Long> renewLease(long id) {
    return leaseForwarding.renew(id);
  }

  /** Seconds left on a lease by the leader's clock; -1 when it does not exist. */
  public CompletableFuture<Long> leaseRemaining(long id) {
    return leaseForwarding.remaining(id);
  }

  /**
   * Whether the member can serve: it is running, its write path is alive, it has a leader and
   * no alarm is raised.
   */
  public boolean isHealthy() {
    return driver.isRunning() && driver.leader() != 0 && !alarms.any();
  }

  public Alarms alarms() {
    return alarms;
  }

  /** Proposes {@code Maintenance.Alarm}'s activate or deactivate. */
  public CompletableFuture<Object> alarm(io.etcd.jetcd.api.AlarmRequest r) {
    return propose(Command.of(Command.Kind.ALARM, r));
  }

  /** The cluster's members as etcd lists them (in ID order). */
  public List<io.etcd.jetcd.api.Member> members() {
    return members.list();
  }

  /**
   * Defragments the database (etcd's {@code Defragment}): between two write batches, with reads
   * held back while the file is swapped. Logs the sizes before and after.
   */
  public CompletableFuture<Object> defragment() {
    return driver.runExclusive(
        () -> {
          long before = backend.fileSizeBytes();
          long t0 = System.nanoTime();
          backend.defragment();
          java.time.Duration took = java.time.Duration.ofNanos(System.nanoTime() - t0);
          metrics.disk().backendDefrag(took);
          log.atInfo()
              .addKeyValue("current-db-size-bytes-diff", backend.fileSizeBytes() - before)
              .addKeyValue("current-db-size-bytes", backend.fileSizeBytes())
              .addKeyValue("took", took.toMillis() + "ms")
              .log("finished defragmenting the database");
          return io.etcd.jetcd.api.DefragmentResponse.newBuilder()
              .setHeader(header(ResponseHeader.getDefaultInstance()))
              .build();
        });
  }

  /** Runs a transaction that only reads, at one revision, without the log. */
  public io.etcd.jetcd.api.TxnResponse readOnlyTxn(io.etcd.jetcd.api.TxnRequest request) {
    try (io.cairn.server.mvcc.ReadView view = store.readView()) {
      return kv.txn(view, request);
    }
  }

  /** Users, roles and permissions (etcd's auth store). */
  public io.cairn.server.auth.AuthStore auth() {
    return auth;
  }

  /** Who a call comes from and what it may do. */
  public io.cairn.server.auth.Authorizer authorizer() {
    return authorizer;
  }

  /** The keys attached to a lease (none when it does not exist). */
  public List<com.google.protobuf.ByteString> leaseKeys(long id) {
    io.cairn.server.lease.Lease l = lessor.get(id);
    return l == null ? List.of() : l.keys();
  }

  public Lessor lessor() {
    return lessor;
  }

  public WatchHub watchHub() {
    return watchHub;
  }

  /** Grants a lease through the log, picking its ID when the client did not. */
  public CompletableFuture<Object> grantLease(io.etcd.jetcd.api.LeaseGrantRequest r) {
    if (r.getTTL() > Lessor.MAX_TTL_SECONDS) {
      return CompletableFuture.failedFuture(EtcdError.LEASE_TTL_TOO_LARGE.exception());
    }
    return leaseKeeper.grant(r);
  }

  public CompletableFuture<Object> revokeLease(long id) {
    return leaseKeeper.revoke(id);
  }

  /** Proposes a write; fails with etcd's error when it is larger than {@code max-request-bytes}. */
  public CompletableFuture<Object> propose(Command cmd) {
    if (cmd.size() > config.maxRequestBytes()) {
      return CompletableFuture.failedFuture(EtcdError.REQUEST_TOO_LARGE.exception());
    }
    return driver.propose(cmd);
  }

  /** Completes a response header: cluster, member and term, and the revision when unset. */
  public ResponseHeader header(ResponseHeader h) {
    ResponseHeader.Builder b =
        h.toBuilder().setClusterId(clusterId).setMemberId(memberId).setRaftTerm(driver.term());
    if (h.getRevision() == 0) {
      b.setRevision(store.currentRevision());
    }
    return b.build();
  }

  @Override
  public void close() {
    leaseKeeper.close();
    driver.close();
    peers.close();
    watchHub.close();
    responder.shutdown();
    background.shutdownNow();
    try {
      responder.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    store.close();
    backend.close();
    lock.close();
    metrics.close();
  }
}
