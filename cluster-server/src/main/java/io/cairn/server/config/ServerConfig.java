package io.cairn.server.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Everything a member is started with: etcd's flags, after defaults, {@code ETCD_*} variables and
 * {@code --config-file} have been merged. Durations are in milliseconds, sizes in bytes.
 *
 * <p>Values are the effective ones: {@code dataDir} is {@code <name>.etcd} when not given (also
 * when this record is built directly with a null {@code dataDir}), {@code snapshotCount} and
 * {@code quotaBackendBytes} hold etcd's defaults when 0 was given (a negative quota means
 * "no quota", as in etcd), {@code initialCluster} is derived from the name and advertised peer
 * URLs when not given, URL lists are sorted and without duplicates (as etcd keeps them),
 * {@code walDir} is null when not given. See {@link ConfigLoader}.
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

  public ServerConfig {
    if (dataDir == null && name != null) {
      dataDir = Path.of(name + ".etcd");
    }
  }

  /** The configuration of a member started with no flags and no {@code ETCD_*} variables. */
  public static ServerConfig defaults() {
    return ConfigLoader.load(new String[0], java.util.Map.of());
  }

  /** {@link #initialCluster()} as a map: member name to its peer URLs. */
  public LinkedHashMap<String, List<URI>> initialClusterMap() {
    return ConfigLoader.initialClusterMap(initialCluster);
  }

  /** True when client URLs are served with TLS (certificates given or auto-TLS). */
  public boolean clientTlsEnabled() {
    return clientTls != null && clientTls.enabled();
  }

  /** True when peer URLs are served with TLS (certificates given or auto-TLS). */
  public boolean peerTlsEnabled() {
    return peerTls != null && peerTls.enabled();
  }

  /**
   * The periodic compaction window: {@code auto-compaction-retention} as hours when it is an
   * integer, else as a Go duration ({@code "30m"}, {@code "1h30m"}). Zero disables compaction.
   * Meaningful when {@link #autoCompactionMode()} is {@code periodic}.
   */
  public Duration autoCompactionPeriod() {
    return Duration.ofNanos(parseCompactionRetention("periodic", autoCompactionRetention));
  }

  /**
   * The number of revisions to keep in {@code revision} mode ({@code auto-compaction-retention}
   * as an integer; a duration text is read as etcd reads it, in nanoseconds). Zero disables.
   */
  public long autoCompactionRevisions() {
    return parseCompactionRetention("revision", autoCompactionRetention);
  }

  /**
   * etcd's {@code parseCompactionRetention}: an integer is hours (periodic) or revisions
   * (revision); anything else must be a Go duration. Returns nanoseconds or a revision count.
   */
  static long parseCompactionRetention(String mode, String retention) {
    Long hours = null;
    try {
      hours = Long.parseLong(retention);
    } catch (NumberFormatException e) {
      // not an integer: a duration
    }
    if (hours != null && hours >= 0) {
      switch (mode) {
        case "revision":
          return hours;
        case "periodic":
          return Duration.ofHours(hours).toNanos();
        default:
          throw new ConfigException("--auto-compaction-mode is undefined");
      }
    }
    try {
      return GoText.parseDuration(retention);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("error parsing CompactionRetention: " + e.getMessage());
    }
  }
}
