package io.cairn.server.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * Everything a member is started with: etcd's flags, after defaults, {@code ETCD_*} variables and
 * {@code --config-file} have been merged. Durations are in milliseconds, sizes in bytes.
 */
public record ServerConfig(
    String name,
    Path dataDir,
    Path walDir,
    List<URI> listenClientUrls,
    List<URI> advertiseClientUrls,
    List<URI> listenPeerUrls,
    List<URI> initialAdvertisePeerUrls,
    String initialCluster,
    String initialClusterState,
    String initialClusterToken,
    long snapshotCount,
    long heartbeatIntervalMs,
    long electionTimeoutMs,
    long quotaBackendBytes,
    long maxRequestBytes,
    int maxTxnOps,
    String autoCompactionMode,
    String autoCompactionRetention,
    List<URI> listenMetricsUrls,
    String authToken,
    int bcryptCost,
    TlsConfig clientTls,
    TlsConfig peerTls,
    boolean forceNewCluster,
    boolean strictReconfigCheck,
    String logLevel,
    String logger,
    List<String> logOutputs,
    long maxConcurrentStreams,
    boolean experimentalInitialCorruptCheck,
    boolean enableFaultInjection) {
}
