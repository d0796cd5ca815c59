package io.cairn.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigLoaderTest {
  @TempDir Path tmp;

  private static ServerConfig load(String... args) {
    return ConfigLoader.load(args, Map.of());
  }

  private static ServerConfig loadEnv(Map<String, String> env, String... args) {
    return ConfigLoader.load(args, env);
  }

  private static void fails(String message, String... args) {
    assertThatThrownBy(() -> load(args)).isInstanceOf(ConfigException.class).hasMessage(message);
  }

  private static List<URI> uris(String... s) {
    return java.util.Arrays.stream(s).map(URI::create).toList();
  }

  // ------------------------------------------------------------------ defaults

  @Test
  void defaultsAreEtcds() {
    ServerConfig c = load();
    assertThat(c.name()).isEqualTo("default");
    assertThat(c.dataDir()).isEqualTo(Path.of("default.etcd"));
    assertThat(c.walDir()).isNull();
    assertThat(c.listenClientUrls()).isEqualTo(uris("http://localhost:2379"));
    assertThat(c.advertiseClientUrls()).isEqualTo(uris("http://localhost:2379"));
    assertThat(c.listenPeerUrls()).isEqualTo(uris("http://localhost:2380"));
    assertThat(c.initialAdvertisePeerUrls()).isEqualTo(uris("http://localhost:2380"));
    assertThat(c.initialCluster()).isEqualTo("default=http://localhost:2380");
    assertThat(c.initialClusterState()).isEqualTo("new");
    assertThat(c.initialClusterToken()).isEqualTo("etcd-cluster");
    assertThat(c.snapshotCount()).isEqualTo(100000);
    assertThat(c.heartbeatIntervalMs()).isEqualTo(100);
    assertThat(c.electionTimeoutMs()).isEqualTo(1000);
    assertThat(c.quotaBackendBytes()).isEqualTo(2147483648L);
    assertThat(c.maxRequestBytes()).isEqualTo(1572864);
    assertThat(c.maxTxnOps()).isEqualTo(128);
    assertThat(c.autoCompactionMode()).isEqualTo("periodic");
    assertThat(c.autoCompactionRetention()).isEqualTo("0");
    assertThat(c.autoCompactionPeriod()).isEqualTo(Duration.ZERO);
    assertThat(c.listenMetricsUrls()).isEmpty();
    assertThat(c.authToken()).isEqualTo("simple");
    assertThat(c.bcryptCost()).isEqualTo(10);
    assertThat(c.clientTls()).isEqualTo(TlsConfig.none());
    assertThat(c.peerTls()).isEqualTo(TlsConfig.none());
    assertThat(c.forceNewCluster()).isFalse();
    assertThat(c.strictReconfigCheck()).isTrue();
    assertThat(c.logLevel()).isEqualTo("info");
    assertThat(c.logger()).isEqualTo("zap");
    assertThat(c.logOutputs()).containsExactly("default");
    assertThat(c.maxConcurrentStreams()).isEqualTo(4294967295L);
    assertThat(c.experimentalInitialCorruptCheck()).isFalse();
    assertThat(c.enableFaultInjection()).isFalse();
    assertThat(ServerConfig.defaults()).isEqualTo(c);
    assertThat(c.initialClusterMap()).containsExactly(
        Map.entry("default", uris("http://localhost:2380")));
  }

  @Test
  void dataDirFollowsNameAndRecordDefaultsIt() {
    assertThat(load("--name", "n1").dataDir()).isEqualTo(Path.of("n1.etcd"));
    assertThat(load("--name", "n1", "--data-dir", "/var/x").dataDir()).isEqualTo(Path.of("/var/x"));
    ServerConfig c = load();
    ServerConfig direct = new ServerConfig("m", null, null, c.listenClientUrls(),
        c.advertiseClientUrls(), c.listenPeerUrls(), c.initialAdvertisePeerUrls(),
        c.initialCluster(), "new", "t", 1, 100, 1000, 1, 1, 1, "periodic", "0", List.of(),
        "simple", 10, TlsConfig.none(), TlsConfig.none(), false, true, "info", "zap",
        List.of("default"), 1, false, false);
    assertThat(direct.dataDir()).isEqualTo(Path.of("m.etcd"));
  }

  @Test
  void initialClusterDefaultsToNameAndAdvertisedPeerUrls() {
    ServerConfig c = load("--name", "infra1", "--initial-advertise-peer-urls",
        "http://127.0.0.1:12380,http://10.0.0.1:12380", "--listen-peer-urls",
        "http://127.0.0.1:12380");
    assertThat(c.initialCluster())
        .isEqualTo("infra1=http://10.0.0.1:12380,infra1=http://127.0.0.1:12380");
    assertThat(c.initialClusterMap().get("infra1"))
        .isEqualTo(uris("http://10.0.0.1:12380", "http://127.0.0.1:12380"));
    // etcd also replaces the literal default value when only the name is changed
    assertThat(load("--name", "abc", "--initial-cluster", "default=http://localhost:2380")
        .initialCluster()).isEqualTo("abc=http://localhost:2380");
  }

  // ------------------------------------------------------------------ syntax

  @Test
  void everyFlagSyntaxForm() {
    assertThat(load("--name", "a").name()).isEqualTo("a");
    assertThat(load("--name=a").name()).isEqualTo("a");
    assertThat(load("-name", "a").name()).isEqualTo("a");
    assertThat(load("-name=a").name()).isEqualTo("a");
    // an empty name is accepted by the parser; etcd then cannot find it in the cluster
    fails("couldn't find local name \"\" in the initial cluster configuration", "--name=");
    assertThat(load("--name", "a", "--name", "b").name()).isEqualTo("b");
    assertThat(load("--initial-cluster-token=a=b").initialClusterToken()).isEqualTo("a=b");
  }

  @Test
  void booleanForms() {
    assertThat(load("--force-new-cluster").forceNewCluster()).isTrue();
    assertThat(load("-force-new-cluster").forceNewCluster()).isTrue();
    assertThat(load("--force-new-cluster=true").forceNewCluster()).isTrue();
    assertThat(load("--force-new-cluster=1").forceNewCluster()).isTrue();
    assertThat(load("--force-new-cluster=T").forceNewCluster()).isTrue();
    assertThat(load("--strict-reconfig-check=false").strictReconfigCheck()).isFalse();
    assertThat(load("--strict-reconfig-check=0").strictReconfigCheck()).isFalse();
    // a bare boolean never takes the next argument: "false" is then a positional argument
    fails("'false' is not a valid flag", "--strict-reconfig-check", "false");
    ServerConfig c = load("--force-new-cluster", "--name", "x", "--enable-fault-injection",
        "--experimental-initial-corrupt-check", "--client-cert-auth=false");
    assertThat(c.forceNewCluster()).isTrue();
    assertThat(c.name()).isEqualTo("x");
    assertThat(c.enableFaultInjection()).isTrue();
    assertThat(c.experimentalInitialCorruptCheck()).isTrue();
    fails("invalid boolean value \"yes\" for -force-new-cluster: parse error",
        "--force-new-cluster=yes");
  }

  @Test
  void valueIsTakenEvenWhenItLooksLikeAFlag() {
    assertThat(load("--name", "--data-dir").name()).isEqualTo("--data-dir");
  }

  @Test
  void doubleDashEndsFlagsAndPositionalsAreRefused() {
    fails("'extra' is not a valid flag", "--name", "a", "extra");
    fails("'x' is not a valid flag", "--", "x");
    fails("'-' is not a valid flag", "-");
    assertThat(load("--name", "a", "--").name()).isEqualTo("a");
  }

  @Test
  void unknownAndMalformedFlags() {
    fails("flag provided but not defined: -foo", "--foo");
    fails("flag provided but not defined: -foo", "-foo=1");
    fails("flag provided but not defined: -discovery", "--discovery", "https://x");
    fails("flag provided but not defined: -discovery-srv", "--discovery-srv=example.com");
    fails("flag provided but not defined: -proxy", "--proxy", "on");
    fails("bad flag syntax: ---name", "---name");
    fails("bad flag syntax: -=x", "-=x");
    fails("flag needs an argument: -name", "--name");
  }

  @Test
  void helpAndVersionDetection() {
    assertThat(ConfigLoader.wantsHelp(new String[] {"--help"})).isTrue();
    assertThat(ConfigLoader.wantsHelp(new String[] {"-h"})).isTrue();
    assertThat(ConfigLoader.wantsHelp(new String[] {"--name", "x", "-help"})).isTrue();
    assertThat(ConfigLoader.wantsHelp(new String[] {"--foo", "--help"})).isFalse();
    assertThat(ConfigLoader.wantsHelp(new String[] {"--name", "--help"})).isFalse();
    assertThat(ConfigLoader.wantsHelp(new String[] {})).isFalse();
    assertThat(ConfigLoader.wantsVersion(new String[] {"--version"})).isTrue();
    assertThat(ConfigLoader.wantsVersion(new String[] {"-version=true", "--name", "x"})).isTrue();
    assertThat(ConfigLoader.wantsVersion(new String[] {"--version=false"})).isFalse();
    assertThat(ConfigLoader.wantsVersion(new String[] {"--version", "--bogus"})).isFalse();
    assertThat(ConfigLoader.wantsVersion(new String[] {})).isFalse();
    fails("flag: help requested", "--help");
    assertThat(load("--version").name()).isEqualTo("default");
  }

  // ------------------------------------------------------------------ numbers

  @Test
  void numbersParseLikeGo() {
    ServerConfig c = load("--snapshot-count", "5000", "--heartbeat-interval", "0x32",
        "--election-timeout", "1_000", "--max-txn-ops", "0o20", "--max-request-bytes", "010",
        "--quota-backend-bytes", "1024", "--bcrypt-cost", "4", "--max-concurrent-streams", "7");
    assertThat(c.snapshotCount()).isEqualTo(5000);
    assertThat(c.heartbeatIntervalMs()).isEqualTo(50);
    assertThat(c.electionTimeoutMs()).isEqualTo(1000);
    assertThat(c.maxTxnOps()).isEqualTo(16);
    assertThat(c.maxRequestBytes()).isEqualTo(8);
    assertThat(c.quotaBackendBytes()).isEqualTo(1024);
    assertThat(c.bcryptCost()).isEqualTo(4);
    assertThat(c.maxConcurrentStreams()).isEqualTo(7);
  }

  @Test
  void zeroMeansDefaultForQuotaAndSnapshotCount() {
    ServerConfig c = load("--quota-backend-bytes", "0", "--snapshot-count", "0");
    assertThat(c.quotaBackendBytes()).isEqualTo(2147483648L);
    assertThat(c.snapshotCount()).isEqualTo(100000);
    LoadResult r = ConfigLoader.loadWithWarnings(new String[] {"--quota-backend-bytes=-1"},
        Map.of());
    assertThat(r.config().quotaBackendBytes()).isEqualTo(-1);
    assertThat(r.warnings()).anyMatch(w -> w.contains("disabled backend quota"));
  }

  @Test
  void badNumbersUseGoFlagWording() {
    fails("invalid value \"x\" for flag -snapshot-count: parse error", "--snapshot-count", "x");
    fails("invalid value \"-1\" for flag -snapshot-count: parse error", "--snapshot-count=-1");
    fails("invalid value \"-5\" for flag -heartbeat-interval: parse error",
        "--heartbeat-interval", "-5");
    fails("invalid value \"1.5\" for flag -election-timeout: parse error",
        "--election-timeout=1.5");
    fails("invalid value \"99999999999999999999\" for flag -max-txn-ops: value out of range",
        "--max-txn-ops=99999999999999999999");
    fails("invalid value \"abc\" for flag -quota-backend-bytes: parse error",
        "--quota-backend-bytes", "abc");
    fails("invalid value \"4294967296\" for flag -max-concurrent-streams: "
        + "strconv.ParseUint: parsing \"4294967296\": value out of range",
        "--max-concurrent-streams=4294967296");
    fails("invalid value \"\" for flag -bcrypt-cost: parse error", "--bcrypt-cost=");
  }

  @Test
  void bcryptCostOutOfRangeFallsBackToDefault() {
    LoadResult r = ConfigLoader.loadWithWarnings(new String[] {"--bcrypt-cost", "40"}, Map.of());
    assertThat(r.config().bcryptCost()).isEqualTo(10);
    assertThat(r.warnings()).anyMatch(w -> w.contains("given-cost=40"));
  }

  // ------------------------------------------------------------------ URLs

  @Test
  void urlForms() {
    ServerConfig c = load("--listen-client-urls",
        "http://0.0.0.0:2379, https://[::]:0,unix://localhost:12345,unixs://sock:1",
        "--advertise-client-urls", "http://node1.example.com:2379,http://node1.example.com:2379",
        "--cert-file", "/c.crt", "--key-file", "/c.key",
        "--listen-peer-urls", "http://[::1]:2380", "--initial-advertise-peer-urls",
        "http://[::1]:2380", "--listen-metrics-urls", "http://127.0.0.1:0");
    assertThat(c.listenClientUrls()).isEqualTo(uris("http://0.0.0.0:2379", "https://[::]:0",
        "unix://localhost:12345", "unixs://sock:1"));
    assertThat(c.advertiseClientUrls()).isEqualTo(uris("http://node1.example.com:2379"));
    assertThat(c.listenPeerUrls()).isEqualTo(uris("http://[::1]:2380"));
    assertThat(c.listenMetricsUrls()).isEqualTo(uris("http://127.0.0.1:0"));
    assertThat(c.initialCluster()).isEqualTo("default=http://[::1]:2380");
  }

  @Test
  void urlsAreSortedLikeEtcd() {
    ServerConfig c = load("--listen-client-urls", "http://127.0.0.2:2379,http://127.0.0.1:2379",
        "--advertise-client-urls", "http://127.0.0.1:2379");
    assertThat(c.listenClientUrls()).isEqualTo(uris("http://127.0.0.1:2379",
        "http://127.0.0.2:2379"));
  }

  @Test
  void badUrls() {
    fails("invalid value \"ftp://a:1\" for flag -listen-client-urls: URL scheme must be http, "
        + "https, unix, or unixs: ftp://a:1", "--listen-client-urls", "ftp://a:1");
    fails("invalid value \"localhost:2379\" for flag -listen-client-urls: URL scheme must be "
        + "http, https, unix, or unixs: localhost:2379", "--listen-client-urls", "localhost:2379");
    fails("invalid value \"http://127.0.0.1:2379/v3\" for flag -advertise-client-urls: URL must "
        + "not contain a path: http://127.0.0.1:2379/v3",
        "--advertise-client-urls", "http://127.0.0.1:2379/v3");
    fails("invalid value \"http://127.0.0.1\" for flag -listen-peer-urls: URL address does not "
        + "have the form \"host:port\": http://127.0.0.1",
        "--listen-peer-urls=http://127.0.0.1");
    fails("expected IP in URL for binding (http://example.com:2380)",
        "--listen-peer-urls", "http://example.com:2380");
    fails("--initial-advertise-peer-urls \"http://:2380\" must be \"host:port\" "
        + "(unexpected empty host (http://:2380))", "--initial-advertise-peer-urls",
        "http://:2380");
  }

  @Test
  void listenClientUrlsNeedAdvertiseClientUrls() {
    fails("--advertise-client-urls is required when --listen-client-urls is set explicitly",
        "--listen-client-urls", "http://127.0.0.1:2379");
    assertThatThrownBy(() -> loadEnv(Map.of("ETCD_LISTEN_CLIENT_URLS", "http://127.0.0.1:1")))
        .hasMessageContaining("--advertise-client-urls is required");
  }

  @Test
  void httpsNeedsCertificates() {
    fails("TLS key/cert (--cert-file, --key-file) must be provided for client url "
        + "https://127.0.0.1:2379 with HTTPS scheme", "--listen-client-urls",
        "https://127.0.0.1:2379", "--advertise-client-urls", "https://127.0.0.1:2379");
    fails("TLS key/cert (--peer-cert-file, --peer-key-file) must be provided for peer url "
        + "https://127.0.0.1:2380 with HTTPS scheme", "--listen-peer-urls",
        "https://127.0.0.1:2380");
    ServerConfig auto = load("--listen-client-urls", "https://127.0.0.1:2379",
        "--advertise-client-urls", "https://127.0.0.1:2379", "--auto-tls");
    assertThat(auto.clientTls().autoTls()).isTrue();
    assertThat(auto.clientTlsEnabled()).isTrue();
    fails("KeyFile and CertFile must both be present[key: , cert: /a.crt]", "--cert-file",
        "/a.crt");
  }

  // ------------------------------------------------------------------ validation

  @Test
  void clusterState() {
    assertThat(load("--initial-cluster-state", "existing").initialClusterState())
        .isEqualTo("existing");
    fails("invalid value \"bogus\" for flag -initial-cluster-state: invalid value",
        "--initial-cluster-state", "bogus");
  }

  @Test
  void heartbeatAndElection() {
    fails("--election-timeout[400ms] should be at least as 5 times as "
        + "--heartbeat-interval[100ms]", "--election-timeout", "400");
    fails("--election-timeout[1000ms] should be at least as 5 times as "
        + "--heartbeat-interval[300ms]", "--heartbeat-interval", "300");
    fails("--heartbeat-interval must be >0 (set to 0ms)", "--heartbeat-interval", "0");
    fails("--election-timeout must be >0 (set to 0ms)", "--election-timeout", "0");
    fails("--election-timeout[60000ms] is too long, and should be set less than 50000ms",
        "--election-timeout", "60000");
    ServerConfig c = load("--heartbeat-interval", "200", "--election-timeout", "1000");
    assertThat(c.heartbeatIntervalMs()).isEqualTo(200);
  }

  @Test
  void initialClusterMustNameThisMember() {
    fails("couldn't find local name \"infra9\" in the initial cluster configuration",
        "--name", "infra9", "--initial-cluster", "infra1=http://localhost:2380");
    fails("--initial-cluster has infra1=http://127.0.0.1:9999 but missing from "
        + "--initial-advertise-peer-urls=http://localhost:2380 (\"http://127.0.0.1:2380\""
        + "(resolved from \"http://localhost:2380\") != \"http://127.0.0.1:9999\"(resolved from "
        + "\"http://127.0.0.1:9999\"))",
        "--name", "infra1", "--initial-cluster", "infra1=http://127.0.0.1:9999");
    // localhost and 127.0.0.1 are the same address, as etcd resolves them
    assertThat(load("--name", "infra1", "--initial-cluster", "infra1=http://127.0.0.1:2380")
        .name()).isEqualTo("infra1");
    fails("initial cluster a=http://localhost:2380,default=http://localhost:2380 has duplicate "
        + "url", "--initial-cluster", "default=http://localhost:2380,a=http://localhost:2380");
    // joining an existing cluster skips the advertise check, as etcd does
    assertThat(load("--initial-cluster-state", "existing", "--initial-cluster",
        "default=http://10.0.0.9:2380,b=http://10.0.0.2:2380").initialCluster())
        .isEqualTo("default=http://10.0.0.9:2380,b=http://10.0.0.2:2380");
    fails("error setting up initial cluster: URL scheme must be http, https, unix, or unixs: ",
        "--initial-cluster", "default");
  }

  @Test
  void initialClusterMapParsing() {
    Map<String, List<URI>> m = ConfigLoader.initialClusterMap(
        "n1=http://10.0.0.1:2380,n2=http://10.0.0.2:2380,n1=http://10.0.0.11:2380,,");
    assertThat(m.keySet()).containsExactly("n1", "n2");
    // sorted as strings, as etcd sorts them
    assertThat(m.get("n1")).isEqualTo(uris("http://10.0.0.11:2380", "http://10.0.0.1:2380"));
    assertThat(m.get("n2")).isEqualTo(uris("http://10.0.0.2:2380"));
    assertThatThrownBy(() -> ConfigLoader.initialClusterMap("n1=http://a:1/x"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("URL must not contain a path: http://a:1/x");
    assertThatThrownBy(() -> ConfigLoader.initialClusterMap("n1"))
        .hasMessage("URL scheme must be http, https, unix, or unixs: ");
    assertThat(ConfigLoader.initialClusterMap("")).isEmpty();
  }

  @Test
  void compactionAndLoggingAndAuth() {
    ServerConfig c = load("--auto-compaction-mode", "revision", "--auto-compaction-retention",
        "1000");
    assertThat(c.autoCompactionRevisions()).isEqualTo(1000);
    assertThat(load("--auto-compaction-retention", "1").autoCompactionPeriod())
        .isEqualTo(Duration.ofHours(1));
    assertThat(load("--auto-compaction-retention", "1h30m").autoCompactionPeriod())
        .isEqualTo(Duration.ofMinutes(90));
    fails("unknown auto-compaction-mode \"daily\"", "--auto-compaction-mode", "daily");
    fails("error parsing CompactionRetention: time: invalid duration \"abc\"",
        "--auto-compaction-retention", "abc");
    fails("error parsing CompactionRetention: time: missing unit in duration \"-1\"",
        "--auto-compaction-retention", "-1");
    fails("unrecognized level: \"loud\"", "--log-level", "loud");
    assertThat(load("--log-level", "DEBUG").logLevel()).isEqualTo("debug");
    assertThat(load("--debug").logLevel()).isEqualTo("debug");
    fails("unknown logger option \"glog\"", "--logger", "glog");
    fails("--logger=capnslog is removed in v3.5", "--logger", "capnslog");
    fails("multi logoutput for \"default\" is not supported yet", "--log-outputs",
        "default,stderr");
    assertThat(load("--log-outputs", "stdout,/tmp/x.log").logOutputs())
        .containsExactly("/tmp/x.log", "stdout");
    assertThat(load("--auth-token", "jwt,pub-key=a,priv-key=b,sign-method=RS256").authToken())
        .startsWith("jwt,");
    fails("auth: invalid auth options", "--auth-token", "magic");
    fails("v2 API is not supported", "--enable-v2");
    assertThat(load("--enable-v2=false").name()).isEqualTo("default");
  }

  @Test
  void tlsFlags(@TempDir Path dir) {
    ServerConfig c = load("--cert-file", "/s.crt", "--key-file", "/s.key", "--trusted-ca-file",
        "/ca.crt", "--client-cert-auth", "--client-crl-file", "/c.crl", "--peer-cert-file",
        "/p.crt", "--peer-key-file", "/p.key", "--peer-trusted-ca-file", "/pca.crt",
        "--peer-client-cert-auth", "--peer-crl-file", "/p.crl", "--peer-cert-allowed-cn",
        "etcd,etcd2", "--cipher-suites",
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        "--peer-auto-tls=false", "--auto-tls=false");
    assertThat(c.clientTls()).isEqualTo(new TlsConfig(Path.of("/s.crt"), Path.of("/s.key"),
        Path.of("/ca.crt"), true, false, Path.of("/c.crl"), List.of(), List.of(),
        List.of("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384")));
    assertThat(c.peerTls().certFile()).isEqualTo(Path.of("/p.crt"));
    assertThat(c.peerTls().trustedCaFile()).isEqualTo(Path.of("/pca.crt"));
    assertThat(c.peerTls().clientCertAuth()).isTrue();
    assertThat(c.peerTls().crlFile()).isEqualTo(Path.of("/p.crl"));
    assertThat(c.peerTls().allowedCn()).containsExactly("etcd", "etcd2");
    assertThat(load("--peer-cert-allowed-hostname", "a.example").peerTls().allowedHostname())
        .containsExactly("a.example");
    fails("unexpected TLS cipher suite \"TLS_FAKE\"", "--cipher-suites", "TLS_FAKE");
    fails("AllowedCN and AllowedHostname are mutually exclusive (cn=\"a\", hostname=\"b\")",
        "--peer-cert-allowed-cn", "a", "--peer-cert-allowed-hostname", "b");
  }

  @Test
  void tlsWarnings() {
    LoadResult r = ConfigLoader.loadWithWarnings(new String[] {"--auto-tls", "--cert-file",
        "/a", "--key-file", "/b", "--peer-auto-tls", "--peer-client-cert-auth"}, Map.of());
    assertThat(r.warnings()).anyMatch(w -> w.equals("ignoring client auto TLS since certs given"));
    assertThat(r.warnings()).anyMatch(w -> w.contains("--peer-auto-tls uses a self-signed"));
    assertThat(r.warnings()).anyMatch(w -> w.startsWith("scheme is HTTP while key and cert"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"--enable-pprof", "--experimental-watch-progress-notify-interval=5s",
      "--experimental-compact-hash-check-enabled", "--experimental-enable-lease-checkpoint",
      "--snapshot-catchup-entries=100", "--grpc-keepalive-min-time=5s",
      "--grpc-keepalive-interval=2h", "--grpc-keepalive-timeout=20s", "--socket-reuse-port",
      "--socket-reuse-address", "--max-wals=3", "--max-snapshots=3"})
  void noOpFlagsAreAccepted(String flag) {
    assertThat(load(flag)).isEqualTo(load());
  }

  @Test
  void noOpFlagValuesAreStillChecked() {
    fails("invalid value \"soon\" for flag -grpc-keepalive-timeout: parse error",
        "--grpc-keepalive-timeout", "soon");
    assertThat(ConfigLoader.NO_OP_FLAGS).contains("enable-pprof", "socket-reuse-port");
    assertThat(ConfigLoader.flagNames()).containsAll(ConfigLoader.NO_OP_FLAGS);
  }

  // ------------------------------------------------------------------ environment

  @Test
  void environmentVariables() {
    Map<String, String> env = new HashMap<>();
    env.put("ETCD_NAME", "envname");
    env.put("ETCD_DATA_DIR", "/data/env");
    env.put("ETCD_INITIAL_CLUSTER", "envname=http://localhost:2380");
    env.put("ETCD_FORCE_NEW_CLUSTER", "true");
    env.put("ETCD_SNAPSHOT_COUNT", "42");
    env.put("ETCD_UNSUPPORTED_ARCH", "arm64");
    env.put("ETCD_WAL_DIR", "");
    env.put("PATH", "/bin");
    LoadResult r = ConfigLoader.loadWithWarnings(new String[0], env);
    ServerConfig c = r.config();
    assertThat(c.name()).isEqualTo("envname");
    assertThat(c.dataDir()).isEqualTo(Path.of("/data/env"));
    assertThat(c.walDir()).isNull();
    assertThat(c.forceNewCluster()).isTrue();
    assertThat(c.snapshotCount()).isEqualTo(42);
    assertThat(r.warnings())
        .contains("unrecognized environment variable ETCD_UNSUPPORTED_ARCH=arm64");
  }

  @Test
  void flagAndVariableForTheSameSettingConflict() {
    assertThatThrownBy(() -> loadEnv(Map.of("ETCD_NAME", "a"), "--name", "b"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("conflicting environment variable \"ETCD_NAME\" is shadowed by "
            + "corresponding command-line flag (either unset environment variable or disable "
            + "flag)");
    // different settings mix freely
    ServerConfig c = loadEnv(Map.of("ETCD_DATA_DIR", "/d"), "--name", "b");
    assertThat(c.name()).isEqualTo("b");
    assertThat(c.dataDir()).isEqualTo(Path.of("/d"));
  }

  @Test
  void badEnvironmentValues() {
    assertThatThrownBy(() -> loadEnv(Map.of("ETCD_SNAPSHOT_COUNT", "lots")))
        .hasMessage("invalid value \"lots\" for ETCD_SNAPSHOT_COUNT: parse error");
    assertThatThrownBy(() -> loadEnv(Map.of("ETCD_CLIENT_CERT_AUTH", "maybe")))
        .hasMessage("invalid value \"maybe\" for ETCD_CLIENT_CERT_AUTH: parse error");
    assertThatThrownBy(() -> loadEnv(Map.of("ETCD_LISTEN_PEER_URLS", "tcp://x:1")))
        .hasMessage("invalid value \"tcp://x:1\" for ETCD_LISTEN_PEER_URLS: URL scheme must be "
            + "http, https, unix, or unixs: tcp://x:1");
  }

  @Test
  void envNames() {
    assertThat(ConfigLoader.envName("data-dir")).isEqualTo("ETCD_DATA_DIR");
    assertThat(ConfigLoader.envName("initial-cluster")).isEqualTo("ETCD_INITIAL_CLUSTER");
  }

  // ------------------------------------------------------------------ config file

  @Test
  void configFile() throws Exception {
    Path f = tmp.resolve("etcd.yaml");
    Files.writeString(f, String.join("\n",
        "name: infra1",
        "data-dir: /var/lib/infra1",
        "wal-dir: /wal",
        "snapshot-count: 5000",
        "heartbeat-interval: 50",
        "election-timeout: 500",
        "quota-backend-bytes: 0",
        "listen-peer-urls: https://127.0.0.1:12380",
        "listen-client-urls: https://127.0.0.1:2379,https://127.0.0.2:2379",
        "advertise-client-urls: https://127.0.0.1:2379",
        "initial-advertise-peer-urls: https://127.0.0.1:12380",
        "initial-cluster: infra1=https://127.0.0.1:12380,infra2=https://127.0.0.2:12380",
        "initial-cluster-token: tok",
        "initial-cluster-state: existing",
        "strict-reconfig-check: false",
        "enable-v2: false",
        "max-txn-ops: 64",
        "log-level: warn",
        "log-outputs: [stderr]",
        "cipher-suites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256]",
        "enable-fault-injection: true",
        "some-future-key: 1",
        "client-transport-security:",
        "  cert-file: /c.crt",
        "  key-file: /c.key",
        "  client-cert-auth: true",
        "  trusted-ca-file: /ca.crt",
        "  auto-tls: false",
        "peer-transport-security:",
        "  auto-tls: true",
        "  client-cert-auth: true",
        ""));
    LoadResult r = ConfigLoader.loadWithWarnings(new String[] {"--config-file", f.toString(),
        "--name", "ignored"}, Map.of("ETCD_NAME", "ignored-too"));
    ServerConfig c = r.config();
    assertThat(c.name()).isEqualTo("infra1");
    assertThat(c.dataDir()).isEqualTo(Path.of("/var/lib/infra1"));
    assertThat(c.walDir()).isEqualTo(Path.of("/wal"));
    assertThat(c.snapshotCount()).isEqualTo(5000);
    assertThat(c.heartbeatIntervalMs()).isEqualTo(50);
    assertThat(c.electionTimeoutMs()).isEqualTo(500);
    assertThat(c.quotaBackendBytes()).isEqualTo(2147483648L);
    assertThat(c.listenClientUrls()).hasSize(2);
    assertThat(c.initialClusterMap()).containsOnlyKeys("infra1", "infra2");
    assertThat(c.initialClusterToken()).isEqualTo("tok");
    assertThat(c.initialClusterState()).isEqualTo("existing");
    assertThat(c.strictReconfigCheck()).isFalse();
    assertThat(c.maxTxnOps()).isEqualTo(64);
    assertThat(c.logLevel()).isEqualTo("warn");
    assertThat(c.logOutputs()).containsExactly("stderr");
    assertThat(c.enableFaultInjection()).isTrue();
    assertThat(c.clientTls().certFile()).isEqualTo(Path.of("/c.crt"));
    assertThat(c.clientTls().clientCertAuth()).isTrue();
    assertThat(c.clientTls().trustedCaFile()).isEqualTo(Path.of("/ca.crt"));
    assertThat(c.clientTls().cipherSuites()).containsExactly(
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
    assertThat(c.peerTls().autoTls()).isTrue();
    assertThat(c.peerTls().clientCertAuth()).isTrue();
    assertThat(r.warnings()).anyMatch(w -> w.startsWith("loaded server configuration"));
  }

  @Test
  void configFileFromEnvironmentAndDefaults() throws Exception {
    Path f = tmp.resolve("min.yaml");
    Files.writeString(f, "name: solo\n");
    ServerConfig c = loadEnv(Map.of("ETCD_CONFIG_FILE", f.toString(), "ETCD_DATA_DIR", "/no"));
    assertThat(c.name()).isEqualTo("solo");
    assertThat(c.dataDir()).isEqualTo(Path.of("solo.etcd"));
    assertThat(c.initialCluster()).isEqualTo("solo=http://localhost:2380");
    // etcd does not require advertise-client-urls in a file
    Files.writeString(f, "listen-client-urls: http://127.0.0.1:2379\n");
    assertThat(loadEnv(Map.of(), "--config-file", f.toString()).advertiseClientUrls())
        .isEqualTo(uris("http://localhost:2379"));
    Files.writeString(f, "");
    assertThat(loadEnv(Map.of(), "--config-file", f.toString())).isEqualTo(load());
  }

  @Test
  void configFileErrors() throws Exception {
    Path missing = tmp.resolve("missing.yaml");
    fails("open " + missing + ": no such file or directory", "--config-file", missing.toString());
    Path f = tmp.resolve("bad.yaml");
    Files.writeString(f, "snapshot-count: many\n");
    fails("error unmarshaling JSON: json: cannot unmarshal string into Go struct field "
        + "configYAML.snapshot-count of type uint", "--config-file", f.toString());
    Files.writeString(f, "force-new-cluster: 3\n");
    fails("error unmarshaling JSON: json: cannot unmarshal number into Go struct field "
        + "configYAML.force-new-cluster of type bool", "--config-file", f.toString());
    Files.writeString(f, "listen-peer-urls: ftp://x:1\n");
    fails("unexpected error setting up listen-peer-urls: URL scheme must be http, https, unix, "
        + "or unixs: ftp://x:1", "--config-file", f.toString());
    Files.writeString(f, "initial-cluster-state: maybe\n");
    fails("unexpected clusterState \"maybe\"", "--config-file", f.toString());
    Files.writeString(f, "name: [unclosed\n");
    assertThatThrownBy(() -> load("--config-file", f.toString()))
        .hasMessageStartingWith("error converting YAML to JSON: yaml: ");
    Files.writeString(f, "enable-v2: true\n");
    fails("v2 API is not supported", "--config-file", f.toString());
  }

  // ------------------------------------------------------------------ usage

  @Test
  void usageListsEveryFlagWithDefault() {
    String u = ConfigLoader.usage();
    for (String name : ConfigLoader.flagNames()) {
      assertThat(u).contains("--" + name);
    }
    assertThat(u).contains("--name 'default'", "--data-dir '${name}.etcd'",
        "--snapshot-count 100000", "--heartbeat-interval 100", "--election-timeout 1000",
        "--listen-client-urls 'http://localhost:2379'", "--initial-cluster-state 'new'",
        "--initial-cluster-token 'etcd-cluster'", "--max-concurrent-streams 4294967295",
        "--strict-reconfig-check true", "--enable-fault-injection false", "--auth-token 'simple'",
        "--bcrypt-cost 10", "--max-request-bytes 1572864", "--max-txn-ops 128",
        "--quota-backend-bytes 0", "--log-level 'info'", "--logger 'zap'",
        "--log-outputs 'default'", "--auto-compaction-mode 'periodic'",
        "--auto-compaction-retention '0'", "ETCD_DATA_DIR", "--help", "--version");
    assertThat(u).contains("Accepted for compatibility (no effect):");
  }
}
