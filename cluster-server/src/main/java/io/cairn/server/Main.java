package io.cairn.server;

import io.cairn.server.api.ClientListeners;
import io.cairn.server.api.ClusterService;
import io.cairn.server.api.KvService;
import io.cairn.server.api.gateway.Gateway;
import io.cairn.server.api.gateway.GatewayServices;
import io.cairn.server.api.LeaseService;
import io.cairn.server.api.WatchService;
import io.cairn.server.watch.WatchSessions;
import io.cairn.server.api.MaintenanceService;
import io.cairn.server.api.http.HealthEndpoints;
import io.cairn.server.api.http.HttpListeners;
import io.cairn.server.api.http.HttpRouter;
import io.cairn.server.api.http.PeerEndpoints;
import io.cairn.server.concurrency.ElectionService;
import io.cairn.server.concurrency.LockService;
import io.cairn.server.concurrency.RevisionPoller;
import io.cairn.server.config.ConfigException;
import io.cairn.server.config.ConfigLoader;
import io.cairn.server.config.LoadResult;
import io.cairn.server.config.ServerConfig;
import io.cairn.server.log.Logging;
import io.cairn.server.metrics.GrpcMetricsInterceptor;
import io.cairn.server.metrics.MetricsEndpoint;
import io.cairn.server.metrics.MetricsListener;
import io.netty.handler.ssl.SslContext;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import io.cairn.server.server.EtcdServer;
import io.cairn.server.server.MemberIds;
import io.cairn.server.server.Versions;
import io.cairn.server.tls.TlsContexts;
import io.grpc.BindableService;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Entry point of {@code bin/cairn-server}: an etcd member, started with etcd's flags. */
public final class Main {
  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    if (ConfigLoader.wantsHelp(args)) {
      System.out.print(ConfigLoader.usage());
      System.exit(0);
    }
    if (ConfigLoader.wantsVersion(args)) {
      System.out.println("etcd Version: " + Versions.ETCD_SERVER);
      System.out.println("Git SHA: cairn-" + Versions.CAIRN);
      System.out.println("Go Version: none (Cairn " + Versions.CAIRN + ", Java "
          + Runtime.version() + ")");
      System.out.println("Go OS/Arch: " + System.getProperty("os.name").toLowerCase()
          + "/" + System.getProperty("os.arch"));
      System.exit(0);
    }
    LoadResult loaded;
    try {
      loaded = ConfigLoader.loadWithWarnings(args, System.getenv());
    } catch (ConfigException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    ServerConfig cfg = loaded.config();
    Logging.configure(cfg.logLevel(), cfg.logOutputs());
    loaded.warnings().forEach(w -> log.warn(w));
    try {
      run(cfg);
    } catch (Throwable t) {
      log.atError().setCause(t).log("member failed to start: " + t.getMessage());
      System.exit(1);
    }
  }

  private static void run(ServerConfig cfg) throws InterruptedException {
    log.atInfo()
        .addKeyValue("etcd-version", Versions.ETCD_SERVER)
        .addKeyValue("cairn-version", Versions.CAIRN)
        .addKeyValue("java-version", Runtime.version().toString())
        .addKeyValue("name", cfg.name())
        .addKeyValue("data-dir", cfg.dataDir().toString())
        .log("starting a member");
    EtcdServer server = EtcdServer.start(cfg, () -> Runtime.getRuntime().halt(1));
    ClientListeners listeners = new ClientListeners();
    AtomicReference<MetricsListener> metricsListener = new AtomicReference<>();
    AtomicReference<HttpListeners> peerListener = new AtomicReference<>();
    Signals.onTermination(
        () -> {
          log.info("received signal; shutting down");
          listeners.close();
          HttpListeners p = peerListener.get();
          if (p != null) {
            p.close();
          }
          MetricsListener m = metricsListener.get();
          if (m != null) {
            m.close();
          }
          server.close();
          log.info("stopped serving; member closed");
        });
    WatchSessions watches =
        new WatchSessions(server.watchHub(), rev -> server.header(
            io.etcd.jetcd.api.ResponseHeader.newBuilder().setRevision(rev).build()),
            cfg.maxRequestBytes());
    watches.setGuard(new io.cairn.server.auth.WatchGuard(server.authorizer()));
    KvService kv = new KvService(server);
    io.cairn.server.api.AuthService auth =
        new io.cairn.server.api.AuthService(server, server.authorizer());
    WatchService watch = new WatchService(watches);
    LeaseService lease = new LeaseService(server);
    ClusterService cluster = new ClusterService(server);
    MaintenanceService maintenance = new MaintenanceService(server, server.backgroundExecutor());
    RevisionPoller concurrencyPoller = new RevisionPoller(server.store());
    LockService lock = new LockService(server, concurrencyPoller);
    ElectionService election = new ElectionService(server, concurrencyPoller);
    List<BindableService> services =
        java.util.stream.Stream.of(kv, watch, lease.withExtras(), cluster, maintenance, lock,
                election, auth.withExtras())
            .map(s -> (BindableService) () -> io.grpc.ServerInterceptors.intercept(s,
                server.authorizer()))
            .toList();
    HttpRouter http = new HttpRouter();
    HealthEndpoints.register(http, server);
    Gateway.register(
        http,
        new GatewayServices(
            kv, watch, lease, cluster, maintenance, auth, lease.withExtras(), auth.withExtras(),
            lock, election));
    http.addPrefix("/v3/", Gateway.notFound());
    http.addPrefix("/v3beta/", Gateway.notFound());
    MetricsEndpoint.register(http, server.metrics());
    io.cairn.server.api.http.ClusterEvents.register(http, server);
    GrpcMetricsInterceptor grpcMetrics = new GrpcMetricsInterceptor(server.metrics());
    grpcMetrics.initialize(services.stream().map(BindableService::bindService).toList());
    Supplier<SslContext> clientTls =
        () ->
            TlsContexts.serverContext(
                cfg.clientTls(),
                cfg.dataDir().resolve("fixtures").resolve("client"),
                hostsOf(cfg.advertiseClientUrls(), cfg.listenClientUrls()));
    listeners.start(
        cfg.listenClientUrls(),
        services,
        clientTls,
        http,
        grpcMetrics,
        cfg.maxRequestBytes(),
        cfg.maxConcurrentStreams());
    HttpListeners peers =
        io.cairn.server.transport.PeerServer.start(
            cfg.listenPeerUrls(),
            () ->
                TlsContexts.serverContext(
                    cfg.peerTls(),
                    cfg.dataDir().resolve("fixtures").resolve("peer"),
                    hostsOf(cfg.initialAdvertisePeerUrls(), cfg.listenPeerUrls())),
            PeerEndpoints.router(server),
            server.clusterId(),
            server::receive,
            server::handleCall,
            server::newIncomingSnapshotFile,
            server.peerListener());
    peerListener.set(peers);
    for (var a : peers.addresses()) {
      log.atInfo().addKeyValue("address", a.getAddress().getHostAddress() + ":" + a.getPort())
          .log("serving peer traffic");
    }
    if (!cfg.listenMetricsUrls().isEmpty()) {
      metricsListener.set(
          MetricsListener.start(
              cfg.listenMetricsUrls(), server.metrics(), server::isHealthy, clientTls));
      for (var a : metricsListener.get().addresses()) {
        log.atInfo().addKeyValue("address", a.getAddress().getHostAddress() + ":" + a.getPort())
            .log("serving metrics");
      }
    }
    log.atInfo()
        .addKeyValue("cluster-version", Versions.CLUSTER_CAPABILITY)
        .log("enabled capabilities for version");
    // Like etcd, the member is ready once the cluster has taken its name and client URLs,
    // which needs a leader (and so a quorum of members up).
    server.publish();
    log.atInfo()
        .addKeyValue("local-member-id", MemberIds.hex(server.memberId()))
        .addKeyValue("local-member-attributes",
            "{Name:" + cfg.name() + " ClientURLs:" + cfg.advertiseClientUrls() + "}")
        .addKeyValue("cluster-id", MemberIds.hex(server.clusterId()))
        .log("published local member to cluster through raft");
    log.info("ready to serve client requests");
    for (ClientListeners.Bound b : listeners.bound()) {
      String addr = b.address().getAddress().getHostAddress() + ":" + b.address().getPort();
      if (b.secure()) {
        log.atInfo().addKeyValue("address", addr).log("serving client traffic securely");
      }
      if (b.plaintext()) {
        log.atInfo()
            .addKeyValue("address", addr)
            .log("serving client traffic insecurely; this is strongly discouraged!");
      }
    }
    // The member ends only by a signal (the handler re-raises it once closed) or by a fatal
    // error. The main thread must never return: a JVM whose last user thread ends exits with
    // status 0, which would race the re-raised signal.
    new CountDownLatch(1).await();
  }

  private static List<String> hostsOf(List<URI> a, List<URI> b) {
    java.util.LinkedHashSet<String> hosts = new java.util.LinkedHashSet<>();
    for (List<URI> l : List.of(a, b)) {
      for (URI u : l) {
        if (u.getHost() != null && !u.getHost().isEmpty()) {
          hosts.add(u.getHost());
        }
      }
    }
    return List.copyOf(hosts);
  }
}
