package io.cairn.server.config;

import io.cairn.server.tls.GoCipherSuites;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Reads a member's configuration the way etcd 3.5's server does.
 *
 * <p>Sources, in etcd's order:
 * <ol>
 *   <li>the command line, with Go {@code flag} package syntax: {@code --name value},
 *       {@code --name=value}, {@code -name value}, {@code -name=value}; a boolean given bare
 *       ({@code --force-new-cluster}) is true and never takes the next argument; {@code --}
 *       ends the flags; the last occurrence of a flag wins;</li>
 *   <li>if {@code --config-file} (or {@code ETCD_CONFIG_FILE}) names a file, that YAML file and
 *       nothing else: other flags and variables are then ignored, as etcd ignores them;</li>
 *   <li>otherwise {@code ETCD_<FLAG>} variables (upper case, dashes as underscores) for flags not
 *       on the command line. A variable <em>and</em> the flag for the same setting is an error,
 *       as in etcd 3.5 (which exits: "conflicting environment variable ... is shadowed by
 *       corresponding command-line flag"). Unknown {@code ETCD_*} variables only warn.</li>
 * </ol>
 *
 * <p>{@code --help}/{@code -h} and {@code --version} are not settings: call {@link #wantsHelp}
 * and {@link #wantsVersion} first (Main prints {@link #usage()} or the version and exits 0).
 * Every refusal is a {@link ConfigException} whose message is etcd's where etcd has one.
 */
public final class ConfigLoader {
  private ConfigLoader() {}

  public static final String ENV_PREFIX = "ETCD";
  public static final String DEFAULT_NAME = "default";
  public static final String DEFAULT_INITIAL_CLUSTER = "default=http://localhost:2380";
  public static final long DEFAULT_SNAPSHOT_COUNT = 100_000L;
  /** etcd's default backend quota, used when {@code --quota-backend-bytes} is 0. */
  public static final long DEFAULT_QUOTA_BACKEND_BYTES = 2L * 1024 * 1024 * 1024;
  public static final long MAX_ELECTION_MS = 50_000L;
  public static final int DEFAULT_BCRYPT_COST = 10;
  /** math.MaxUint32, etcd's default for {@code --max-concurrent-streams}. */
  public static final long MAX_UINT32 = 4_294_967_295L;

  /**
   * etcd flags that are accepted (with their value checked for its type) and have no effect in
   * this server. Tools and scripts pass them; refusing would break them.
   */
  public static final List<String> NO_OP_FLAGS = List.of(
      "enable-pprof",
      "experimental-watch-progress-notify-interval",
      "experimental-compact-hash-check-enabled",
      "experimental-compact-hash-check-time",
      "experimental-enable-lease-checkpoint",
      "experimental-enable-lease-checkpoint-persist",
      "experimental-compaction-batch-limit",
      "experimental-warning-apply-duration",
      "experimental-peer-skip-client-san-verification",
      "snapshot-catchup-entries",
      "grpc-keepalive-min-time",
      "grpc-keepalive-interval",
      "grpc-keepalive-timeout",
      "socket-reuse-port",
      "socket-reuse-address",
      "max-snapshots",
      "max-wals",
      "self-signed-cert-validity",
      "cors",
      "host-whitelist",
      "metrics");

  // ---------------------------------------------------------------------------------------
  // Flag table

  enum Kind { STRING, BOOL, UINT, UINT32, INT64, URLS, LIST, CLUSTER_STATE, DURATION }

  record Flag(String name, Kind kind, String def, String shownDefault, String section,
      String help) {}

  private static final List<Flag> FLAGS = new ArrayList<>();
  private static final Map<String, Flag> BY_NAME = new HashMap<>();

  private static void def(String section, String name, Kind kind, String def, String help) {
    defShown(section, name, kind, def, null, help);
  }

  private static void defShown(String section, String name, Kind kind, String def, String shown,
      String help) {
    Flag f = new Flag(name, kind, def, shown, section, help);
    FLAGS.add(f);
    BY_NAME.put(name, f);
  }

  private static final String MEMBER = "Member";
  private static final String CLUSTERING = "Clustering";
  private static final String SECURITY = "Security";
  private static final String AUTH = "Auth";
  private static final String LOGGING = "Logging";
  private static final String EXPERIMENTAL = "Experimental";
  private static final String CAIRN = "Cairn";
  private static final String NO_OP = "Accepted for compatibility (no effect)";
  private static final String HIDDEN = "";

  static {
    def(MEMBER, "name", Kind.STRING, DEFAULT_NAME, "Human-readable name for this member.");
    defShown(MEMBER, "data-dir", Kind.STRING, "", "${name}.etcd", "Path to the data directory.");
    def(MEMBER, "wal-dir", Kind.STRING, "", "Path to the dedicated wal directory.");
    def(MEMBER, "snapshot-count", Kind.UINT, "100000",
        "Number of committed transactions to trigger a snapshot to disk.");
    def(MEMBER, "heartbeat-interval", Kind.UINT, "100",
        "Time (in milliseconds) of a heartbeat interval.");
    def(MEMBER, "election-timeout", Kind.UINT, "1000",
        "Time (in milliseconds) for an election to timeout. See tuning documentation for details.");
    def(MEMBER, "listen-peer-urls", Kind.URLS, "http://localhost:2380",
        "List of URLs to listen on for peer traffic.");
    def(MEMBER, "listen-client-urls", Kind.URLS, "http://localhost:2379",
        "List of URLs to listen on for client traffic.");
    def(MEMBER, "quota-backend-bytes", Kind.INT64, "0",
        "Raise alarms when backend size exceeds the given quota (0 defaults to 2 GiB).");
    def(MEMBER, "max-txn-ops", Kind.UINT, "128",
        "Maximum number of operations permitted in a transaction.");
    def(MEMBER, "max-request-bytes", Kind.UINT, "1572864",
        "Maximum client request size in bytes the server will accept.");
    def(MEMBER, "max-concurrent-streams", Kind.UINT32, Long.toString(MAX_UINT32),
        "Maximum concurrent streams that each client can open at a time.");
    def(MEMBER, "listen-metrics-urls", Kind.URLS, "",
        "List of URLs to listen on for the metrics and health endpoints.");

    def(CLUSTERING, "initial-advertise-peer-urls", Kind.URLS, "http://localhost:2380",
        "List of this member's peer URLs to advertise to the rest of the cluster.");
    defShown(CLUSTERING, "initial-cluster", Kind.STRING, DEFAULT_INITIAL_CLUSTER,
        "default=http://localhost:2380",
        "Initial cluster configuration for bootstrapping "
            + "(defaults to ${name}=each --initial-advertise-peer-urls).");
    def(CLUSTERING, "initial-cluster-state", Kind.CLUSTER_STATE, "new",
        "Initial cluster state ('new' or 'existing').");
    def(CLUSTERING, "initial-cluster-token", Kind.STRING, "etcd-cluster",
        "Initial cluster token for the etcd cluster during bootstrap.");
    def(CLUSTERING, "advertise-client-urls", Kind.URLS, "http://localhost:2379",
        "List of this member's client URLs to advertise to the public. Required when "
            + "--listen-client-urls is set.");
    def(CLUSTERING, "strict-reconfig-check", Kind.BOOL, "true",
        "Reject reconfiguration requests that would cause quorum loss.");
    def(CLUSTERING, "auto-compaction-mode", Kind.STRING, "periodic",
        "Interpret 'auto-compaction-retention' one of: periodic|revision.");
    def(CLUSTERING, "auto-compaction-retention", Kind.STRING, "0",
        "Auto compaction retention length. 0 means disable auto compaction "
            + "(hours, or a duration like '10m', in periodic mode; revisions in revision mode).");
    def(CLUSTERING, "enable-v2", Kind.BOOL, "false",
        "Accept etcd V2 client requests. Only false is supported.");

    def(SECURITY, "cert-file", Kind.STRING, "", "Path to the client server TLS cert file.");
    def(SECURITY, "key-file", Kind.STRING, "", "Path to the client server TLS key file.");
    def(SECURITY, "client-cert-auth", Kind.BOOL, "false",
        "Enable client cert authentication.");
    def(SECURITY, "client-crl-file", Kind.STRING, "",
        "Path to the client certificate revocation list file.");
    def(SECURITY, "trusted-ca-file", Kind.STRING, "",
        "Path to the client server TLS trusted CA file (implies client cert authentication).");
    def(SECURITY, "auto-tls", Kind.BOOL, "false",
        "Client TLS using generated certificates.");
    def(SECURITY, "peer-cert-file", Kind.STRING, "", "Path to the peer server TLS cert file.");
    def(SECURITY, "peer-key-file", Kind.STRING, "", "Path to the peer server TLS key file.");
    def(SECURITY, "peer-client-cert-auth", Kind.BOOL, "false",
        "Enable peer client cert authentication.");
    def(SECURITY, "peer-trusted-ca-file", Kind.STRING, "",
        "Path to the peer server TLS trusted CA file.");
    def(SECURITY, "peer-cert-allowed-cn", Kind.LIST, "",
        "Comma-separated list of allowed CNs for inter-peer TLS authentication.");
    def(SECURITY, "peer-cert-allowed-hostname", Kind.LIST, "",
        "Comma-separated list of allowed SAN hostnames for inter-peer TLS authentication.");
    def(SECURITY, "peer-auto-tls", Kind.BOOL, "false", "Peer TLS using self-generated certificates.");
    def(SECURITY, "peer-crl-file", Kind.STRING, "",
        "Path to the peer certificate revocation list file.");
    def(SECURITY, "cipher-suites", Kind.LIST, "",
        "Comma-separated list of supported TLS cipher suites between client/server and peers "
            + "(empty will be auto-populated by the runtime).");

    def(AUTH, "auth-token", Kind.STRING, "simple",
        "Specify a v3 authentication token type and its options ('simple' or 'jwt').");
    def(AUTH, "bcrypt-cost", Kind.UINT, "10",
        "Specify the cost / strength of the bcrypt algorithm for hashing auth passwords. "
            + "Valid values are between 4 and 31.");

    def(LOGGING, "logger", Kind.STRING, "zap", "Currently only supports 'zap' for structured logging.");
    def(LOGGING, "log-outputs", Kind.LIST, "default",
        "Specify 'stdout' or 'stderr' to skip journald logging even when running under systemd, "
            + "or list comma-separated output targets.");
    def(LOGGING, "log-level", Kind.STRING, "info",
        "Configures log level. Only supports debug, info, warn, error, panic, or fatal.");
    def(LOGGING, "debug", Kind.BOOL, "false",
        "Enable debug-level logging (deprecated: use '--log-level=debug').");

    def(EXPERIMENTAL, "experimental-initial-corrupt-check", Kind.BOOL, "false",
        "Enable to check data corruption before serving any client/peer traffic.");
    def(EXPERIMENTAL, "force-new-cluster", Kind.BOOL, "false",
        "Force to create a new one member cluster.");

    def(CAIRN, "enable-fault-injection", Kind.BOOL, "false",
        "Enable the fault injection endpoints (testing only; no etcd equivalent).");

    def(NO_OP, "enable-pprof", Kind.BOOL, "false",
        "Enable runtime profiling data via HTTP server (no effect).");
    def(NO_OP, "experimental-watch-progress-notify-interval", Kind.DURATION, "10m0s",
        "Duration of periodic watch progress notifications (no effect).");
    def(NO_OP, "experimental-compact-hash-check-enabled", Kind.BOOL, "false",
        "Enable leader to periodically check followers compaction hashes (no effect).");
    def(NO_OP, "experimental-compact-hash-check-time", Kind.DURATION, "1m0s",
        "Duration of time between leader checks followers compaction hashes (no effect).");
    def(NO_OP, "experimental-enable-lease-checkpoint", Kind.BOOL, "false",
        "Enable leader to send regular checkpoints to other members (no effect).");
    def(NO_OP, "experimental-enable-lease-checkpoint-persist", Kind.BOOL, "false",
        "Enable persisting remainingTTL to prevent indefinite auto-renewal (no effect).");
    def(NO_OP, "experimental-compaction-batch-limit", Kind.UINT, "1000",
        "Sets the maximum revisions deleted in each compaction batch (no effect).");
    def(NO_OP, "experimental-warning-apply-duration", Kind.DURATION, "100ms",
        "Time duration after which a warning is generated if request takes more time (no effect).");
    def(NO_OP, "experimental-peer-skip-client-san-verification", Kind.BOOL, "false",
        "Skip verification of SAN field in client certificate for peer connections (no effect).");
    def(NO_OP, "snapshot-catchup-entries", Kind.UINT, "5000",
        "Number of entries for a slow follower to catch-up after compacting (no effect).");
    def(NO_OP, "grpc-keepalive-min-time", Kind.DURATION, "5s",
        "Minimum interval duration that a client should wait before pinging server (no effect).");
    def(NO_OP, "grpc-keepalive-interval", Kind.DURATION, "2h0m0s",
        "Frequency duration of server-to-client ping to check if a connection is alive "
            + "(no effect).");
    def(NO_OP, "grpc-keepalive-timeout", Kind.DURATION, "20s",
        "Additional duration of wait before closing a non-responsive connection (no effect).");
    def(NO_OP, "socket-reuse-port", Kind.BOOL, "false",
        "Enable to set socket option SO_REUSEPORT on listeners (no effect).");
    def(NO_OP, "socket-reuse-address", Kind.BOOL, "false",
        "Enable to set socket option SO_REUSEADDR on listeners (no effect).");
    def(NO_OP, "max-snapshots", Kind.UINT, "5",
        "Maximum number of snapshot files to retain (no effect).");
    def(NO_OP, "max-wals", Kind.UINT, "5", "Maximum number of wal files to retain (no effect).");
    def(NO_OP, "self-signed-cert-validity", Kind.UINT, "1",
        "The validity period of the self-signed certificates, in years (no effect: always 1).");
    def(NO_OP, "cors", Kind.STRING, "",
        "Comma-separated white list of origins for CORS (no effect).");
    def(NO_OP, "host-whitelist", Kind.STRING, "*",
        "Comma-separated acceptable hostnames from HTTP client requests (no effect).");
    def(NO_OP, "metrics", Kind.STRING, "basic",
        "Set level of detail for exported metrics, 'basic' or 'extensive' (no effect).");

    def(HIDDEN, "config-file", Kind.STRING, "",
        "Path to the server configuration file; other flags and variables are then ignored.");
    def(HIDDEN, "version", Kind.BOOL, "false", "Print the version and exit.");

    for (String n : NO_OP_FLAGS) {
      if (!BY_NAME.containsKey(n) || !BY_NAME.get(n).section().equals(NO_OP)) {
        throw new AssertionError("no-op flag not defined: " + n);
      }
    }
  }

  /** Every flag name this server accepts (without dashes). */
  public static List<String> flagNames() {
    List<String> out = new ArrayList<>();
    FLAGS.forEach(f -> out.add(f.name()));
    return Collections.unmodifiableList(out);
  }

  /** {@code ETCD_DATA_DIR} for {@code data-dir}. */
  public static String envName(String flag) {
    return ENV_PREFIX + "_" + flag.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  // ---------------------------------------------------------------------------------------
  // Public entry points

  /** {@link #loadWithWarnings} without the warnings. */
  public static ServerConfig load(String[] args, Map<String, String> env) throws ConfigException {
    return loadWithWarnings(args, env).config();
  }

  /**
   * Parses {@code args} (without the program name) and {@code env} (normally
   * {@code System.getenv()}) into the effective configuration. {@code --help} makes this fail
   * with {@code flag: help requested}: check {@link #wantsHelp} first.
   */
  public static LoadResult loadWithWarnings(String[] args, Map<String, String> env)
      throws ConfigException {
    List<String> warnings = new ArrayList<>();
    CommandLine cl = parseCommandLine(args);
    if (cl.help) {
      throw new ConfigException("flag: help requested");
    }
    if (!cl.rest.isEmpty()) {
      throw new ConfigException("'" + cl.rest.get(0) + "' is not a valid flag");
    }
    String configFile = cl.values.getOrDefault("config-file", "");
    if (configFile.isEmpty()) {
      configFile = env.getOrDefault(envName("config-file"), "");
    }
    if (!configFile.isEmpty()) {
      Map<String, String> values = new HashMap<>();
      Set<String> explicit = new HashSet<>();
      readConfigFile(Path.of(configFile), values, explicit);
      warnings.add("loaded server configuration, other configuration command line flags and "
          + "environment variables will be ignored if provided (path=" + configFile + ")");
      return build(values, explicit, true, warnings);
    }
    applyEnvironment(cl, env, warnings);
    return build(cl.values, cl.actual, false, warnings);
  }

  /** True when Go's flag parsing of {@code args} reaches {@code -h}, {@code --help}... */
  public static boolean wantsHelp(String[] args) {
    try {
      return parseCommandLine(args).help;
    } catch (ConfigException e) {
      return false;
    }
  }

  /**
   * True when {@code args} parse and set {@code --version}: print the version and exit 0
   * (etcd ignores every other setting then). A bad command line gives false: {@link #load}
   * reports it.
   */
  public static boolean wantsVersion(String[] args) {
    try {
      CommandLine cl = parseCommandLine(args);
      return !cl.help && cl.rest.isEmpty() && "true".equals(cl.values.get("version"));
    } catch (ConfigException e) {
      return false;
    }
  }

  // ---------------------------------------------------------------------------------------
  // Command line (Go flag package semantics)

  private static final class CommandLine {
    final Map<String, String> values = new HashMap<>();
    final Set<String> actual = new LinkedHashSet<>();
    List<String> rest = List.of();
    boolean help;
  }

  private static CommandLine parseCommandLine(String[] args) {
    CommandLine cl = new CommandLine();
    int i = 0;
    while (i < args.length) {
      String s = args[i];
      if (s.length() < 2 || s.charAt(0) != '-') {
        break;
      }
      int minuses = 1;
      if (s.charAt(1) == '-') {
        minuses = 2;
        if (s.length() == 2) {
          i++;
          break;
        }
      }
      String name = s.substring(minuses);
      if (name.isEmpty() || name.charAt(0) == '-' || name.charAt(0) == '=') {
        throw new ConfigException("bad flag syntax: " + s);
      }
      i++;
      boolean hasValue = false;
      String value = "";
      int eq = name.indexOf('=', 1);
      if (eq > 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
        hasValue = true;
      }
      Flag f = BY_NAME.get(name);
      if (f == null) {
        if (name.equals("help") || name.equals("h")) {
          cl.help = true;
          return cl;
        }
        throw new ConfigException("flag provided but not defined: -" + name);
      }
      if (f.kind() == Kind.BOOL) {
        Boolean b = GoText.parseBool(hasValue ? value : "true");
        if (b == null) {
          throw new ConfigException("invalid boolean value " + GoText.quote(value) + " for -"
              + name + ": parse error");
        }
        cl.values.put(name, b.toString());
      } else {
        if (!hasValue && i < args.length) {
          value = args[i++];
          hasValue = true;
        }
        if (!hasValue) {
          throw new ConfigException("flag needs an argument: -" + name);
        }
        try {
          cl.values.put(name, set(f, value));
        } catch (IllegalArgumentException e) {
          throw new ConfigException("invalid value " + GoText.quote(value) + " for flag -" + name
              + ": " + e.getMessage());
        }
      }
      cl.actual.add(name);
    }
    cl.rest = List.of(Arrays.copyOfRange(args, i, args.length));
    return cl;
  }

  /**
   * What the Go flag's {@code Set} would do with {@code value}: returns the normalized value or
   * throws IllegalArgumentException with the Go error text (without the "invalid value" part).
   */
  private static String set(Flag f, String value) {
    switch (f.kind()) {
      case STRING:
      case LIST:
        return value;
      case BOOL: {
        Boolean b = GoText.parseBool(value);
        if (b == null) {
          throw new IllegalArgumentException("parse error");
        }
        return b.toString();
      }
      case UINT:
        try {
          BigInteger v = GoText.parseUint(value, 64);
          return v.min(BigInteger.valueOf(Long.MAX_VALUE)).toString();
        } catch (GoText.NumberError e) {
          throw new IllegalArgumentException(e.flagText());
        }
      case UINT32:
        try {
          return GoText.parseUint(value, 32).toString();
        } catch (GoText.NumberError e) {
          throw new IllegalArgumentException("strconv.ParseUint: parsing " + GoText.quote(value)
              + ": " + e.getMessage());
        }
      case INT64:
        try {
          return GoText.parseInt(value, 64).toString();
        } catch (GoText.NumberError e) {
          throw new IllegalArgumentException(e.flagText());
        }
      case URLS:
        if (!value.isEmpty()) {
          Urls.parseList(value);
        }
        return value;
      case CLUSTER_STATE:
        if (!value.equals("new") && !value.equals("existing")) {
          throw new IllegalArgumentException("invalid value");
        }
        return value;
      case DURATION:
        try {
          GoText.parseDuration(value);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("parse error");
        }
        return value;
      default:
        throw new AssertionError(f.kind());
    }
  }

  private static void applyEnvironment(CommandLine cl, Map<String, String> env,
      List<String> warnings) {
    Set<String> alreadySet = new HashSet<>();
    for (String n : cl.actual) {
      alreadySet.add(envName(n));
    }
    String versionKey = envName("version");
    if (env.containsKey(versionKey) && !env.get(versionKey).isEmpty()) {
      warnings.add("cannot set special environment variable " + versionKey + "; it is ignored");
    }
    Set<String> used = new HashSet<>();
    used.add(versionKey);
    used.add(envName("config-file"));
    List<Flag> sorted = new ArrayList<>(FLAGS);
    sorted.sort((a, b) -> a.name().compareTo(b.name()));
    for (Flag f : sorted) {
      String key = envName(f.name());
      if (f.name().equals("version") || f.name().equals("config-file")
          || alreadySet.contains(key)) {
        continue;
      }
      String val = env.get(key);
      if (val == null || val.isEmpty()) {
        continue;
      }
      used.add(key);
      try {
        cl.values.put(f.name(), set(f, val));
      } catch (IllegalArgumentException e) {
        throw new ConfigException("invalid value " + GoText.quote(val) + " for " + key + ": "
            + e.getMessage());
      }
      cl.actual.add(f.name());
    }
    for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
      String key = e.getKey();
      if (used.contains(key)) {
        continue;
      }
      if (alreadySet.contains(key)) {
        throw new ConfigException("conflicting environment variable " + GoText.quote(key)
            + " is shadowed by corresponding command-line flag (either unset environment "
            + "variable or disable flag)");
      }
      if (key.startsWith(ENV_PREFIX + "_")) {
        warnings.add("unrecognized environment variable " + key + "=" + e.getValue());
      }
    }
  }

  // ---------------------------------------------------------------------------------------
  // Config file (etcd's YAML)

  private static final Set<String> NESTED_TLS_FIELDS =
      Set.of("cert-file", "key-file", "client-cert-auth", "trusted-ca-file", "auto-tls");

  private static void readConfigFile(Path path, Map<String, String> values, Set<String> explicit) {
    String text;
    try {
      text = Files.readString(path, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConfigException("open " + path + ": no such file or directory");
    } catch (AccessDeniedException e) {
      throw new ConfigException("open " + path + ": permission denied");
    } catch (IOException e) {
      if (Files.isDirectory(path)) {
        throw new ConfigException("read " + path + ": is a directory");
      }
      throw new ConfigException("read " + path + ": " + e.getMessage());
    }
    Object doc;
    try {
      doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
    } catch (RuntimeException e) {
      throw new ConfigException("error converting YAML to JSON: yaml: "
          + e.getMessage().replace('\n', ' ').strip());
    }
    if (doc == null) {
      return;
    }
    if (!(doc instanceof Map)) {
      throw new ConfigException("error unmarshaling JSON: json: cannot unmarshal "
          + jsonType(doc) + " into Go value of type embed.configYAML");
    }
    for (Map.Entry<?, ?> e : ((Map<?, ?>) doc).entrySet()) {
      String key = String.valueOf(e.getKey());
      Object v = e.getValue();
      if (v == null) {
        continue;
      }
      if (key.equals("client-transport-security") || key.equals("peer-transport-security")) {
        if (!(v instanceof Map)) {
          throw typeError(key, v, "embed.securityConfig");
        }
        String prefix = key.startsWith("peer") ? "peer-" : "";
        for (Map.Entry<?, ?> s : ((Map<?, ?>) v).entrySet()) {
          String sub = String.valueOf(s.getKey());
          if (s.getValue() == null) {
            continue;
          }
          String flag;
          if (NESTED_TLS_FIELDS.contains(sub)) {
            flag = prefix + sub;
            if (flag.equals("peer-auto-tls") || flag.equals("auto-tls")) {
              flag = prefix + "auto-tls";
            }
          } else if (sub.equals("crl-file")) {
            flag = prefix.isEmpty() ? "client-crl-file" : "peer-crl-file";
          } else {
            continue; // etcd ignores unknown keys
          }
          putYaml(flag, key + "." + sub, s.getValue(), values, explicit);
        }
        continue;
      }
      Flag f = BY_NAME.get(key);
      if (f == null || key.equals("version") || key.equals("config-file")
          || NESTED_TLS_FIELDS.contains(key) || isNestedPeerField(key)) {
        continue; // unknown or not a top-level key in etcd's file: ignored, as etcd does
      }
      putYaml(key, key, v, values, explicit);
    }
  }

  private static boolean isNestedPeerField(String key) {
    return key.startsWith("peer-") && NESTED_TLS_FIELDS.contains(key.substring(5));
  }

  private static void putYaml(String flag, String field, Object v, Map<String, String> values,
      Set<String> explicit) {
    Flag f = BY_NAME.get(flag);
    String raw;
    switch (f.kind()) {
      case BOOL:
        if (!(v instanceof Boolean)) {
          throw typeError(field, v, "bool");
        }
        raw = v.toString();
        break;
      case UINT:
      case UINT32:
      case INT64: {
        String goType = f.kind() == Kind.UINT ? "uint" : f.kind() == Kind.UINT32 ? "uint32" : "int64";
        if (!(v instanceof Integer || v instanceof Long || v instanceof BigInteger)) {
          throw typeError(field, v, goType);
        }
        BigInteger n = new BigInteger(v.toString());
        if (f.kind() != Kind.INT64 && n.signum() < 0) {
          throw new ConfigException("error unmarshaling JSON: json: cannot unmarshal number " + n
              + " into Go struct field configYAML." + field + " of type " + goType);
        }
        try {
          raw = set(f, n.toString());
        } catch (IllegalArgumentException e) {
          throw new ConfigException("error unmarshaling JSON: json: cannot unmarshal number " + n
              + " into Go struct field configYAML." + field + " of type " + goType);
        }
        break;
      }
      case LIST:
        if (v instanceof List) {
          List<String> parts = new ArrayList<>();
          for (Object o : (List<?>) v) {
            parts.add(String.valueOf(o));
          }
          raw = String.join(",", parts);
        } else if (v instanceof Map) {
          throw typeError(field, v, "[]string");
        } else {
          raw = String.valueOf(v);
        }
        break;
      case URLS:
        if (!(v instanceof String)) {
          throw typeError(field, v, "string");
        }
        raw = (String) v;
        if (!raw.isEmpty()) {
          try {
            Urls.parseList(raw);
          } catch (IllegalArgumentException e) {
            throw new ConfigException("unexpected error setting up " + flag + ": "
                + e.getMessage());
          }
        }
        break;
      default:
        if (v instanceof Map || v instanceof List) {
          throw typeError(field, v, "string");
        }
        raw = String.valueOf(v);
        if (f.kind() == Kind.DURATION && !(v instanceof String)) {
          raw = v + "ns"; // durations in etcd's file are nanosecond counts
        }
    }
    values.put(flag, raw);
    explicit.add(flag);
  }

  private static String jsonType(Object v) {
    if (v instanceof Map) {
      return "object";
    }
    if (v instanceof List) {
      return "array";
    }
    if (v instanceof Boolean) {
      return "bool";
    }
    if (v instanceof Number) {
      return "number";
    }
    return "string";
  }

  private static ConfigException typeError(String field, Object v, String goType) {
    return new ConfigException("error unmarshaling JSON: json: cannot unmarshal " + jsonType(v)
        + " into Go struct field configYAML." + field + " of type " + goType);
  }

  // ---------------------------------------------------------------------------------------
  // Building and validating

  private static final Set<String> LOG_LEVELS =
      Set.of("debug", "info", "warn", "error", "dpanic", "panic", "fatal");

  private static LoadResult build(Map<String, String> values, Set<String> explicit,
      boolean fromFile, List<String> warnings) {
    java.util.function.Function<String, String> str = n -> {
      String v = values.get(n);
      return v != null ? v : BY_NAME.get(n).def();
    };
    java.util.function.Function<String, Boolean> bool = n -> Boolean.parseBoolean(str.apply(n));
    java.util.function.Function<String, Long> num = n -> Long.parseLong(str.apply(n));

    String name = str.apply("name");
    String dataDirText = str.apply("data-dir");
    Path dataDir = dataDirText.isEmpty() ? Path.of(name + ".etcd") : Path.of(dataDirText);
    String walDirText = str.apply("wal-dir");
    Path walDir = walDirText.isEmpty() ? null : Path.of(walDirText);

    // logging (etcd validates it first)
    String logger = str.apply("logger");
    if (logger.equals("capnslog")) {
      throw new ConfigException("--logger=capnslog is removed in v3.5");
    }
    if (!logger.equals("zap")) {
      throw new ConfigException("unknown logger option " + GoText.quote(logger));
    }
    List<String> logOutputs = uniqueSorted(str.apply("log-outputs"));
    if (logOutputs.isEmpty()) {
      logOutputs = List.of("default");
    }
    if (logOutputs.size() > 1 && logOutputs.contains("default")) {
      throw new ConfigException("multi logoutput for \"default\" is not supported yet");
    }
    String logLevel = str.apply("log-level");
    if (!LOG_LEVELS.contains(logLevel.toLowerCase(Locale.ROOT))) {
      throw new ConfigException("unrecognized level: " + GoText.quote(logLevel));
    }
    logLevel = logLevel.toLowerCase(Locale.ROOT);
    if (bool.apply("debug")) {
      warnings.add("--debug is deprecated, use '--log-level=debug' instead");
      logLevel = "debug";
    }

    List<URI> lpurls = Urls.parseListAllowEmpty(str.apply("listen-peer-urls"));
    List<URI> lcurls = Urls.parseListAllowEmpty(str.apply("listen-client-urls"));
    List<URI> metricsUrls = Urls.parseListAllowEmpty(str.apply("listen-metrics-urls"));
    List<URI> apurls = Urls.parseListAllowEmpty(str.apply("initial-advertise-peer-urls"));
    List<URI> acurls = Urls.parseListAllowEmpty(str.apply("advertise-client-urls"));
    boolean missingAdvertise = !fromFile && explicit.contains("listen-client-urls")
        && !explicit.contains("advertise-client-urls");

    Urls.checkBind(lpurls);
    Urls.checkBind(lcurls);
    Urls.checkBind(metricsUrls);
    Urls.checkHost(apurls, "initial-advertise-peer-urls");
    if (!missingAdvertise) {
      Urls.checkHost(acurls, "advertise-client-urls");
    }

    String clusterState = str.apply("initial-cluster-state");
    if (!clusterState.equals("new") && !clusterState.equals("existing")) {
      throw new ConfigException("unexpected clusterState " + GoText.quote(clusterState));
    }

    long heartbeat = num.apply("heartbeat-interval");
    long election = num.apply("election-timeout");
    if (heartbeat == 0) {
      throw new ConfigException("--heartbeat-interval must be >0 (set to " + heartbeat + "ms)");
    }
    if (election == 0) {
      throw new ConfigException("--election-timeout must be >0 (set to " + election + "ms)");
    }
    if (heartbeat > election / 5 || 5 * heartbeat > election) {
      throw new ConfigException("--election-timeout[" + election
          + "ms] should be at least as 5 times as --heartbeat-interval[" + heartbeat + "ms]");
    }
    if (election > MAX_ELECTION_MS) {
      throw new ConfigException("--election-timeout[" + election
          + "ms] is too long, and should be set less than " + MAX_ELECTION_MS + "ms");
    }
    if (missingAdvertise) {
      throw new ConfigException(
          "--advertise-client-urls is required when --listen-client-urls is set explicitly");
    }

    String compactionMode = str.apply("auto-compaction-mode");
    if (!compactionMode.isEmpty() && !compactionMode.equals("periodic")
        && !compactionMode.equals("revision")) {
      throw new ConfigException("unknown auto-compaction-mode " + GoText.quote(compactionMode));
    }
    String retention = str.apply("auto-compaction-retention");
    ServerConfig.parseCompactionRetention(compactionMode, retention);

    if (bool.apply("enable-v2")) {
      throw new ConfigException("v2 API is not supported");
    }

    // TLS
    List<String> cipherSuites = splitList(str.apply("cipher-suites"));
    for (String cs : cipherSuites) {
      if (!GoCipherSuites.isKnown(cs)) {
        throw new ConfigException("unexpected TLS cipher suite " + GoText.quote(cs));
      }
    }
    TlsConfig clientTls = new TlsConfig(path(str.apply("cert-file")), path(str.apply("key-file")),
        path(str.apply("trusted-ca-file")), bool.apply("client-cert-auth"),
        bool.apply("auto-tls"), path(str.apply("client-crl-file")), List.of(), List.of(),
        cipherSuites);
    List<String> allowedCn = splitList(str.apply("peer-cert-allowed-cn"));
    List<String> allowedHostname = splitList(str.apply("peer-cert-allowed-hostname"));
    if (!allowedCn.isEmpty() && !allowedHostname.isEmpty()) {
      throw new ConfigException("AllowedCN and AllowedHostname are mutually exclusive (cn="
          + GoText.quote(String.join(",", allowedCn)) + ", hostname="
          + GoText.quote(String.join(",", allowedHostname)) + ")");
    }
    TlsConfig peerTls = new TlsConfig(path(str.apply("peer-cert-file")),
        path(str.apply("peer-key-file")), path(str.apply("peer-trusted-ca-file")),
        bool.apply("peer-client-cert-auth"), bool.apply("peer-auto-tls"),
        path(str.apply("peer-crl-file")), allowedCn, allowedHostname, cipherSuites);
    checkTls(clientTls, lcurls, false, warnings);
    checkTls(peerTls, lpurls, true, warnings);

    // initial cluster
    String initialCluster = str.apply("initial-cluster");
    if (!explicit.contains("initial-cluster")
        || (!name.equals(DEFAULT_NAME) && initialCluster.equals(DEFAULT_INITIAL_CLUSTER))) {
      initialCluster = initialClusterFromName(name, apurls);
    }
    verifyInitialCluster(name, initialCluster, apurls, clusterState);

    long snapshotCount = num.apply("snapshot-count");
    if (snapshotCount == 0) {
      snapshotCount = DEFAULT_SNAPSHOT_COUNT;
    }
    long quota = num.apply("quota-backend-bytes");
    if (quota == 0) {
      quota = DEFAULT_QUOTA_BACKEND_BYTES;
    } else if (quota < 0) {
      warnings.add("disabled backend quota (quota-backend-bytes=" + quota + ")");
    } else if (quota > 8L * 1024 * 1024 * 1024) {
      warnings.add("quota exceeds the maximum value (quota-size-bytes=" + quota
          + ", maximum-quota-bytes=8589934592)");
    }
    long maxRequestBytes = num.apply("max-request-bytes");
    if (maxRequestBytes > 10L * 1024 * 1024) {
      warnings.add("--max-request-bytes " + maxRequestBytes
          + " exceeds the recommended maximum of 10485760 bytes");
    }
    int maxTxnOps = (int) Math.min(Integer.MAX_VALUE, num.apply("max-txn-ops"));
    long bcrypt = num.apply("bcrypt-cost");
    if (bcrypt < 4 || bcrypt > 31) {
      warnings.add("use default bcrypt cost instead of the invalid given cost (min-cost=4, "
          + "max-cost=31, default-cost=10, given-cost=" + bcrypt + ")");
      bcrypt = DEFAULT_BCRYPT_COST;
    }
    String authToken = str.apply("auth-token");
    String tokenType = authToken.split(",", 2)[0];
    if (!tokenType.equals("simple") && !tokenType.equals("jwt")) {
      throw new ConfigException("auth: invalid auth options");
    }

    ServerConfig cfg = new ServerConfig(
        name, dataDir, walDir, lcurls, acurls, lpurls, apurls, initialCluster, clusterState,
        str.apply("initial-cluster-token"), snapshotCount, heartbeat, election, quota,
        maxRequestBytes, maxTxnOps, compactionMode, retention, metricsUrls, authToken,
        (int) bcrypt, clientTls, peerTls, bool.apply("force-new-cluster"),
        bool.apply("strict-reconfig-check"), logLevel, logger, logOutputs,
        num.apply("max-concurrent-streams"), bool.apply("experimental-initial-corrupt-check"),
        bool.apply("enable-fault-injection"));
    return new LoadResult(cfg, warnings);
  }

  private static void checkTls(TlsConfig tls, List<URI> listen, boolean peer,
      List<String> warnings) {
    String p = peer ? "peer-" : "";
    if ((tls.certFile() == null) != (tls.keyFile() == null)) {
      throw new ConfigException("KeyFile and CertFile must both be present[key: "
          + (tls.keyFile() == null ? "" : tls.keyFile()) + ", cert: "
          + (tls.certFile() == null ? "" : tls.certFile()) + "]");
    }
    boolean certs = tls.certFile() != null;
    if (tls.autoTls() && certs) {
      warnings.add("ignoring " + (peer ? "peer" : "client") + " auto TLS since certs given");
    } else if (tls.autoTls() && (tls.clientCertAuth() || tls.trustedCaFile() != null)) {
      warnings.add("--" + p + "auto-tls uses a self-signed certificate: --" + p
          + "client-cert-auth and --" + p + "trusted-ca-file are ignored");
    }
    for (URI u : listen) {
      String scheme = u.getScheme().toLowerCase(Locale.ROOT);
      boolean secure = scheme.equals("https") || scheme.equals("unixs");
      if (secure && !tls.enabled()) {
        throw new ConfigException("TLS key/cert (--" + p + "cert-file, --" + p
            + "key-file) must be provided for " + (peer ? "peer" : "client") + " url " + u
            + " with HTTPS scheme");
      }
      if (!secure && certs) {
        warnings.add("scheme is HTTP while key and cert files are present; ignoring key and "
            + "cert files (" + (peer ? "peer" : "client") + "-url=" + u + ")");
      }
      if (!secure && tls.clientCertAuth()) {
        warnings.add("scheme is HTTP while --" + p + "client-cert-auth is enabled; ignoring "
            + "client cert auth for this URL (" + (peer ? "peer" : "client") + "-url=" + u + ")");
      }
    }
  }

  private static Path path(String s) {
    return s.isEmpty() ? null : Path.of(s);
  }

  private static List<String> splitList(String s) {
    List<String> out = new ArrayList<>();
    if (s.isEmpty()) {
      return out;
    }
    for (String p : s.split(",")) {
      if (!p.strip().isEmpty()) {
        out.add(p.strip());
      }
    }
    return List.copyOf(out);
  }

  private static List<String> uniqueSorted(String s) {
    return List.copyOf(new TreeSet<>(splitList(s)));
  }

  static String initialClusterFromName(String name, List<URI> apurls) {
    if (apurls.isEmpty()) {
      return "";
    }
    String n = name.isEmpty() ? DEFAULT_NAME : name;
    List<String> parts = new ArrayList<>();
    for (URI u : apurls) {
      parts.add(n + "=" + u);
    }
    return String.join(",", parts);
  }

  /**
   * {@code --initial-cluster} as etcd reads it ({@code types.NewURLsMap}): comma-separated
   * {@code name=url} entries, in order of first appearance; a name may repeat to give several
   * URLs (each name's URLs are sorted, as etcd sorts them). An entry without {@code =} has an
   * empty URL, which etcd refuses with its URL error.
   */
  public static LinkedHashMap<String, List<URI>> initialClusterMap(String initialCluster)
      throws ConfigException {
    LinkedHashMap<String, List<String>> raw = new LinkedHashMap<>();
    for (String entry : initialCluster.split(",")) {
      if (entry.isEmpty()) {
        continue;
      }
      int eq = entry.indexOf('=');
      String key = eq >= 0 ? entry.substring(0, eq) : entry;
      String value = eq >= 0 ? entry.substring(eq + 1) : "";
      raw.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
    }
    LinkedHashMap<String, List<URI>> out = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> e : raw.entrySet()) {
      List<URI> urls = new ArrayList<>();
      try {
        for (String v : e.getValue()) {
          urls.addAll(Urls.parseList(v));
        }
      } catch (IllegalArgumentException ex) {
        throw new ConfigException(ex.getMessage());
      }
      urls.sort((a, b) -> a.toString().compareTo(b.toString()));
      out.put(e.getKey(), List.copyOf(urls));
    }
    return out;
  }

  /** etcd's rendering of a cluster map: names sorted, {@code name=url} joined by commas. */
  static String urlsMapString(Map<String, List<URI>> m) {
    List<String> parts = new ArrayList<>();
    for (String n : new TreeSet<>(m.keySet())) {
      for (URI u : m.get(n)) {
        parts.add(n + "=" + u);
      }
    }
    return String.join(",", parts);
  }

  /**
   * The checks etcd makes on {@code --initial-cluster} when a member bootstraps: the map
   * parses, names this member, lists exactly its advertised peer URLs (for a new cluster) and
   * no URL twice. etcd skips them for a member restarting on an existing WAL.
   */
  static void verifyInitialCluster(String name, String initialCluster, List<URI> apurls,
      String clusterState) {
    LinkedHashMap<String, List<URI>> map;
    try {
      map = initialClusterMap(initialCluster);
    } catch (ConfigException e) {
      throw new ConfigException("error setting up initial cluster: " + e.getMessage());
    }
    if (map.isEmpty()) {
      throw new ConfigException("initial cluster unset and no discovery URL found");
    }
    if (!map.containsKey(name)) {
      throw new ConfigException("couldn't find local name " + GoText.quote(name)
          + " in the initial cluster configuration");
    }
    if (clusterState.equals("new")) {
      advertiseMatchesCluster(name, map.get(name), apurls);
    }
    Set<String> seen = new HashSet<>();
    for (List<URI> urls : map.values()) {
      for (URI u : urls) {
        if (!seen.add(u.toString())) {
          throw new ConfigException("initial cluster " + urlsMapString(map) + " has duplicate url");
        }
      }
    }
  }

  private static String resolved(URI u) {
    String s = u.toString();
    String host = Urls.hostOf(u);
    if (host.startsWith("localhost:")) {
      return s.replaceFirst("localhost:", "127.0.0.1:");
    }
    return s;
  }

  private static void advertiseMatchesCluster(String name, List<URI> clusterUrls,
      List<URI> apurls) {
    List<String> a = new ArrayList<>();
    List<String> b = new ArrayList<>();
    apurls.forEach(u -> a.add(resolved(u)));
    clusterUrls.forEach(u -> b.add(resolved(u)));
    Collections.sort(a);
    Collections.sort(b);
    if (a.equals(b)) {
      return;
    }
    List<String> apStrings = new ArrayList<>();
    apurls.forEach(u -> apStrings.add(u.toString()));
    Collections.sort(apStrings);
    String reason;
    if (a.size() != b.size()) {
      reason = "len(" + goList(apStrings) + ") != len(" + goList(strings(clusterUrls)) + ")";
    } else {
      int i = 0;
      while (a.get(i).equals(b.get(i))) {
        i++;
      }
      reason = GoText.quote(a.get(i)) + "(resolved from " + GoText.quote(apStrings.get(i))
          + ") != " + GoText.quote(b.get(i)) + "(resolved from "
          + GoText.quote(strings(clusterUrls).get(i)) + ")";
    }
    Set<String> apSet = new LinkedHashSet<>(apStrings);
    List<String> missing = new ArrayList<>();
    for (URI u : clusterUrls) {
      if (!apSet.contains(u.toString())) {
        missing.add(name + "=" + u);
      }
    }
    if (!missing.isEmpty()) {
      throw new ConfigException("--initial-cluster has " + String.join(",", missing)
          + " but missing from --initial-advertise-peer-urls=" + String.join(",", apStrings)
          + " (" + reason + ")");
    }
    Set<String> icSet = new HashSet<>(strings(clusterUrls));
    for (String u : apStrings) {
      if (!icSet.contains(u)) {
        missing.add(u);
      }
    }
    String self = urlsMapString(Map.of(name, apurls));
    if (!missing.isEmpty()) {
      throw new ConfigException("--initial-advertise-peer-urls has " + String.join(",", missing)
          + " but missing from --initial-cluster=" + self);
    }
    throw new ConfigException("failed to resolve " + String.join(",", apStrings)
        + " to match --initial-cluster=" + self + " (" + reason + ")");
  }

  private static List<String> strings(List<URI> urls) {
    List<String> out = new ArrayList<>();
    urls.forEach(u -> out.add(u.toString()));
    return out;
  }

  private static String goList(List<String> l) {
    List<String> q = new ArrayList<>();
    l.forEach(s -> q.add(GoText.quote(s)));
    return "[" + String.join(" ", q) + "]";
  }

  // ---------------------------------------------------------------------------------------
  // Usage

  /** The {@code --help} text: every flag with its default and description, etcd-style. */
  public static String usage() {
    StringBuilder b = new StringBuilder();
    b.append("Usage:\n\n")
        .append("  cairn-server [flags]\n")
        .append("    Start a member. The flags are etcd 3.5's.\n\n")
        .append("  cairn-server --version\n")
        .append("    Show the version and exit.\n\n")
        .append("  cairn-server -h | --help\n")
        .append("    Show this help and exit.\n\n")
        .append("  cairn-server --config-file <path>\n")
        .append("    Path to the server configuration file (etcd's YAML format). Note that if a\n")
        .append("    configuration file is provided, other command line flags and environment\n")
        .append("    variables will be ignored.\n\n")
        .append("Every flag can also be given as an environment variable ETCD_<FLAG NAME>, in\n")
        .append("upper case with dashes as underscores (e.g. ETCD_DATA_DIR for --data-dir).\n")
        .append("A flag and its variable together are refused.\n");
    Map<String, List<Flag>> bySection = new LinkedHashMap<>();
    for (Flag f : FLAGS) {
      bySection.computeIfAbsent(f.section(), s -> new ArrayList<>()).add(f);
    }
    for (Map.Entry<String, List<Flag>> e : bySection.entrySet()) {
      if (e.getKey().isEmpty()) {
        continue;
      }
      b.append('\n').append(e.getKey()).append(":\n");
      for (Flag f : e.getValue()) {
        b.append("  --").append(f.name()).append(' ').append(shownDefault(f)).append('\n');
        b.append("    ").append(f.help()).append('\n');
      }
    }
    return b.toString();
  }

  private static String shownDefault(Flag f) {
    if (f.shownDefault() != null) {
      return "'" + f.shownDefault() + "'";
    }
    if (f.kind() == Kind.BOOL || f.kind() == Kind.UINT || f.kind() == Kind.UINT32
        || f.kind() == Kind.INT64) {
      return f.def();
    }
    return "'" + f.def() + "'";
  }
}
