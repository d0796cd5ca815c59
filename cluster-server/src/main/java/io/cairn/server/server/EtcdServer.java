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
import org.lmdbjava.Txn;
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
  private final ApplyLoop applyLoop;
  private final ExecutorService responder;
  private final long memberId;
  private final long clusterId;
  private final long term;
  private final KvApplier kv;
  private final Lessor lessor;
  private final LeaseKeeper leaseKeeper;
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
    long mapSize = Math.max(8L << 30, config.quotaBackendBytes() * 2);
    this.backend = Backend.open(config.dataDir(), mapSize);
    this.store = MvccStore.open(backend);
    long[] ids = identity(config);
    this.memberId = ids[0];
    this.clusterId = ids[1];
    this.term = ids[2];
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
    this.applyLoop =
        new ApplyLoop(
            store,
            new StateMachine(
                store,
                kv,
                new LeaseApplier(lessor),
                new Quota(backend, alarms, config.quotaBackendBytes(), memberId),
                metrics,
                auth),
            store.consistentIndex(),
            responder,
            watchHub::notify,
            metrics,
            onFatal);
    this.leaseKeeper = new LeaseKeeper(lessor, memberId, this::propose);
  }

  /** Opens the member's data and starts its write path. */
  public static EtcdServer start(ServerConfig config, Runnable onFatal) {
    EtcdServer s = new EtcdServer(config, onFatal);
    s.applyLoop.start();
    s.leaseKeeper.start();
    s.bindMetrics();
    log.atInfo()
        .addKeyValue("local-member-id", MemberIds.hex(s.memberId))
        .addKeyValue("cluster-id", MemberIds.hex(s.clusterId))
        .addKeyValue("term", s.term)
        .addKeyValue("revision", s.store.currentRevision())
        .addKeyValue("applied-index", s.applyLoop.appliedIndex())
        .log("member started");
    return s;
  }

  private void bindMetrics() {
    metrics.server().serverId(memberId);
    metrics.server().clusterVersion(Versions.CLUSTER_CAPABILITY);
    metrics.server().leaderChanged("startup");
    metrics.server().hasLeader().bindBoolean(() -> true);
    metrics.server().isLeader().bindBoolean(() -> true);
    metrics.server().isLearner().bindBoolean(() -> false);
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

  /**
   * Reads the member and cluster IDs stored on first start, or computes them from the initial
   * cluster as etcd does; bumps the term (a single member elects itself on every start).
   */
  private long[] identity(ServerConfig cfg) {
    try (Backend.Write w = backend.write()) {
      Txn<byte[]> txn = w.txn();
      long member = backend.getLong(txn, Schema.MEMBER_ID, 0);
      long cluster = backend.getLong(txn, Schema.CLUSTER_ID, 0);
      if (member == 0 || cluster == 0) {
        Map<String, List<URI>> initial = cfg.initialClusterMap();
        List<Long> ids = new ArrayList<>();
        for (Map.Entry<String, List<URI>> e : initial.entrySet()) {
          long id = MemberIds.memberId(e.getValue(), cfg.initialClusterToken());
          ids.add(id);
          if (e.getKey().equals(cfg.name())) {
            member = id;
          }
        }
        if (member == 0) {
          member = MemberIds.memberId(cfg.initialAdvertisePeerUrls(), cfg.initialClusterToken());
          ids.add(member);
        }
        cluster = MemberIds.clusterId(ids);
        backend.putLong(txn, Schema.MEMBER_ID, member);
        backend.putLong(txn, Schema.CLUSTER_ID, cluster);
      }
      long t = Math.max(1, backend.getLong(txn, Schema.TERM, 1)) + 1;
      backend.putLong(txn, Schema.TERM, t);
      w.commit();
      return new long[] {member, cluster, t};
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
    return term;
  }

  public long appliedIndex() {
    return applyLoop.appliedIndex();
  }

  /**
   * Whether the member can serve: it is running and its write path is alive. (A cluster adds:
   * it has a leader and no alarm.)
   */
  public boolean isHealthy() {
    return applyLoop.isRunning() && !alarms.any();
  }

  public Alarms alarms() {
    return alarms;
  }

  /** Proposes {@code Maintenance.Alarm}'s activate or deactivate. */
  public CompletableFuture<Object> alarm(io.etcd.jetcd.api.AlarmRequest r) {
    return propose(Command.of(Command.Kind.ALARM, r));
  }

  /** The cluster's members as etcd lists them. A single member for now: this one. */
  public List<io.etcd.jetcd.api.Member> members() {
    io.etcd.jetcd.api.Member.Builder m =
        io.etcd.jetcd.api.Member.newBuilder().setID(memberId).setName(config.name());
    config.initialAdvertisePeerUrls().forEach(u -> m.addPeerURLs(u.toString()));
    config.advertiseClientUrls().forEach(u -> m.addClientURLs(u.toString()));
    return List.of(m.build());
  }

  /**
   * Defragments the database (etcd's {@code Defragment}): between two write batches, with reads
   * held back while the file is swapped. Logs the sizes before and after.
   */
  public CompletableFuture<Object> defragment() {
    return applyLoop.runExclusive(
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
    return applyLoop.propose(cmd);
  }

  /** Completes a response header: cluster, member and term, and the revision when unset. */
  public ResponseHeader header(ResponseHeader h) {
    ResponseHeader.Builder b =
        h.toBuilder().setClusterId(clusterId).setMemberId(memberId).setRaftTerm(term);
    if (h.getRevision() == 0) {
      b.setRevision(store.currentRevision());
    }
    return b.build();
  }

  @Override
  public void close() {
    leaseKeeper.close();
    applyLoop.close();
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
