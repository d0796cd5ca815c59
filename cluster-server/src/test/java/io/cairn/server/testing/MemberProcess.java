package io.cairn.server.testing;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.TestInfo;

/**
 * One cluster member running as a real OS process, started with etcd's command-line flags.
 *
 * <p>Every member gets a fresh, empty data directory under {@code target/it-data/} and fresh
 * loopback ports. Standard output and standard error are merged and written to
 * {@code target/it-logs/<test>-<member>.log}; the last lines are also kept in memory for failure
 * messages. {@link #restart()} starts the process again with the same data directory and ports.
 *
 * <pre>{@code
 * try (MemberProcess m = MemberProcess.builder(testInfo).start().awaitReady()) {
 *   Etcdctl.of(m).ok("put", "k", "v");
 * }
 * }</pre>
 */
public final class MemberProcess implements AutoCloseable {
  /** Log line that marks a member as able to serve clients. */
  public static final String READY_MARKER = "ready to serve client requests";
  public static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(60);

  private static final int TAIL_LINES = 400;
  private static final int MAX_RUN_LINES = 100_000;
  private static final Set<MemberProcess> LIVE = ConcurrentHashMap.newKeySet();
  private static final Set<String> LOG_NAMES = ConcurrentHashMap.newKeySet();
  /** JSON logs: {@code "address":"127.0.0.1:NNNN"}; text logs: {@code ... on 127.0.0.1:NNNN}. */
  private static final Pattern JSON_ADDRESS = Pattern.compile("\"address\":\"([0-9.]+):(\\d+)\"");
  private static final Pattern TEXT_ADDRESS = Pattern.compile("\\bon ([0-9.]+):(\\d+)\\b");

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(m -> {
      Process p = m.process;
      if (p != null) {
        p.destroyForcibly();
      }
    }), "it-member-reaper"));
  }

  /** How flags are spelled on the command line. */
  public enum FlagStyle {
    /** {@code --name=value} */
    EQUALS,
    /** {@code --name value} */
    SEPARATE
  }

  private final ServerKind kind;
  private final String name;
  private final Path dataDir;
  private final Path tempDir;
  private final Path logFile;
  private final int configuredClientPort;
  private final int advertisedClientPort;
  private final int peerPort;
  private final String peerScheme;
  private final String clientScheme;
  private final List<String> command;
  private final Map<String, String> env;

  private final Deque<String> tail = new ArrayDeque<>();
  private final List<String> runLines = new ArrayList<>();
  private volatile Process process;
  private Thread reader;
  private int starts;

  private MemberProcess(Builder b) {
    this.kind = b.kind;
    this.name = b.name;
    try {
      Path dataRoot = targetDir().resolve("it-data");
      Files.createDirectories(dataRoot);
      this.tempDir = Files.createTempDirectory(dataRoot, sanitize(b.testName + "-" + b.name) + "-");
      Path logs = targetDir().resolve("it-logs");
      Files.createDirectories(logs);
      String base = sanitize(b.testName + "-" + b.name);
      String logName = base;
      for (int n = 2; !LOG_NAMES.add(logName); n++) {
        logName = base + "-" + n;
      }
      this.logFile = logs.resolve(logName + ".log");
      Files.deleteIfExists(logFile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.dataDir = b.dataDir != null ? b.dataDir : tempDir;
    this.configuredClientPort = b.clientPort != null ? b.clientPort : FreePorts.next();
    this.advertisedClientPort = configuredClientPort == 0 ? FreePorts.next() : configuredClientPort;
    this.peerPort = b.peerPort != null ? b.peerPort : FreePorts.next();

    this.peerScheme = b.peerScheme;
    String peerUrl = peerScheme + "://127.0.0.1:" + peerPort;
    Map<String, String> flags = new LinkedHashMap<>();
    Map<String, String> environment = new LinkedHashMap<>();
    System.getenv().keySet().stream()
        .filter(k -> k.startsWith("ETCD_") || k.startsWith("ETCDCTL_"))
        .forEach(k -> environment.put(k, null));
    if (kind == ServerKind.ETCD) {
      environment.put("ETCD_UNSUPPORTED_ARCH", goArch());
    }
    if (b.nameAndDataDirViaEnv) {
      environment.put("ETCD_NAME", name);
      environment.put("ETCD_DATA_DIR", dataDir.toString());
    } else {
      flags.put("--name", name);
      flags.put("--data-dir", dataDir.toString());
    }
    if (b.clientSchemes.isEmpty()) {
      b.clientSchemes.add("http");
    }
    this.clientScheme = b.clientSchemes.get(b.clientSchemes.size() - 1);
    List<String> listen = new ArrayList<>();
    for (String scheme : b.clientSchemes) {
      listen.add(scheme + "://127.0.0.1:" + configuredClientPort);
    }
    flags.put("--listen-client-urls", String.join(",", listen));
    flags.put("--advertise-client-urls", clientScheme + "://127.0.0.1:" + advertisedClientPort);
    flags.put("--listen-peer-urls", peerUrl);
    flags.put("--initial-advertise-peer-urls", peerUrl);
    flags.put("--initial-cluster", b.initialCluster != null ? b.initialCluster : name + "=" + peerUrl);
    if (b.initialClusterState != null) {
      flags.put("--initial-cluster-state", b.initialClusterState);
    }
    if (b.initialClusterToken != null) {
      flags.put("--initial-cluster-token", b.initialClusterToken);
    }
    environment.putAll(b.env);

    List<String> cmd = new ArrayList<>();
    cmd.add(kind == ServerKind.CAIRN ? RepoRoot.launcher().toString() : DependencyCheck.etcd().toString());
    flags.forEach((k, v) -> {
      if (b.flagStyle == FlagStyle.EQUALS) {
        cmd.add(k + "=" + v);
      } else {
        cmd.add(k);
        cmd.add(v);
      }
    });
    cmd.addAll(b.extraArgs);
    this.command = List.copyOf(cmd);
    this.env = environment;
  }

  /** A builder for the kind under test ({@code -Dit.server}). */
  public static Builder builder() {
    return new Builder(ServerKind.underTest());
  }

  /** A builder for the kind under test, naming logs after the running test. */
  public static Builder builder(TestInfo testInfo) {
    return builder().test(testInfo);
  }

  /** A builder for an explicit kind, e.g. {@link ServerKind#reference()} for differential tests. */
  public static Builder builder(ServerKind kind) {
    return new Builder(kind);
  }

  /**
   * Runs the server binary of {@code kind} once with {@code args} (e.g. {@code --help}) and waits
   * for it to exit.
   */
  public static ProcessResult runBinary(ServerKind kind, Duration timeout, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(kind == ServerKind.CAIRN ? RepoRoot.launcher().toString() : DependencyCheck.etcd().toString());
    cmd.addAll(Arrays.asList(args));
    Map<String, String> environment = new LinkedHashMap<>();
    System.getenv().keySet().stream().filter(k -> k.startsWith("ETCD_")).forEach(k -> environment.put(k, null));
    if (kind == ServerKind.ETCD) {
      environment.put("ETCD_UNSUPPORTED_ARCH", goArch());
    }
    return Processes.run(cmd, environment, null, timeout);
  }

  /** Starts (or restarts) the OS process. Does not wait for readiness. */
  private synchronized void launch() {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException(name + " is already running (pid " + process.pid() + ")");
    }
    ProcessBuilder pb = new ProcessBuilder(command);
    Processes.applyEnv(pb.environment(), env);
    pb.redirectErrorStream(true);
    pb.redirectInput(ProcessBuilder.Redirect.from(Paths.get("/dev/null").toFile()));
    synchronized (tail) {
      runLines.clear();
    }
    starts++;
    try {
      appendLog("=== start #" + starts + ": " + String.join(" ", command));
      process = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
    LIVE.add(this);
    Process p = process;
    reader = new Thread(() -> pump(p), "it-log-" + name);
    reader.setDaemon(true);
    reader.start();
  }

  private void pump(Process p) {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        BufferedWriter out = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8,
            StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
      String line;
      while ((line = in.readLine()) != null) {
        out.write(line);
        out.newLine();
        out.flush();
        remember(line);
      }
    } catch (IOException e) {
      remember("[log reader: " + e + "]");
    }
  }

  private void remember(String line) {
    synchronized (tail) {
      tail.addLast(line);
      while (tail.size() > TAIL_LINES) {
        tail.removeFirst();
      }
      if (runLines.size() < MAX_RUN_LINES) {
        runLines.add(line);
      }
    }
  }

  private void appendLog(String line) throws IOException {
    Files.writeString(logFile, line + System.lineSeparator(), StandardCharsets.UTF_8,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  /** Waits up to {@link #DEFAULT_READY_TIMEOUT} for {@value #READY_MARKER}. */
  public MemberProcess awaitReady() {
    return awaitReady(DEFAULT_READY_TIMEOUT);
  }

  /**
   * Waits until the output of the current run contains {@value #READY_MARKER}; fails with the log
   * tail if the process exits first or the timeout passes.
   */
  public MemberProcess awaitReady(Duration timeout) {
    awaitLog(READY_MARKER, timeout);
    return this;
  }

  /** Waits until a line of the current run's output contains {@code fragment}; returns that line. */
  public String awaitLog(String fragment, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Optional<String> hit = findLog(fragment);
      if (hit.isPresent()) {
        return hit.get();
      }
      Process p = process;
      if (p == null || !p.isAlive()) {
        joinReader();
        hit = findLog(fragment);
        if (hit.isPresent()) {
          return hit.get();
        }
        throw new AssertionError(describe() + " exited"
            + (p == null ? "" : " with status " + p.exitValue()) + " before logging '" + fragment
            + "'; log " + logFile + ", last lines:\n" + tail());
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(describe() + " did not log '" + fragment + "' within " + timeout
            + "; log " + logFile + ", last lines:\n" + tail());
      }
      sleep(25);
    }
  }

  /** The first line of the current run's output containing {@code fragment}. */
  public Optional<String> findLog(String fragment) {
    synchronized (tail) {
      return runLines.stream().filter(l -> l.contains(fragment)).findFirst();
    }
  }

  /** All output lines of the current run (since the last start). */
  public List<String> runLog() {
    synchronized (tail) {
      return List.copyOf(runLines);
    }
  }

  /** The last lines of output (across restarts), newline-separated. */
  public String tail() {
    synchronized (tail) {
      return String.join("\n", tail);
    }
  }

  /**
   * The client address the member actually bound, as logged on a line that contains
   * {@code serving} and {@code client}: either JSON {@code "address":"127.0.0.1:NNNN"} (etcd 3.5's
   * {@code serving client traffic ...} line, which Cairn is expected to emit too) or text
   * {@code ... on 127.0.0.1:NNNN} (etcd 3.4's default logger).
   */
  public Optional<String> loggedClientAddress() {
    for (String line : runLog()) {
      if (!line.contains("serving") || !line.contains("client") || line.contains("peer")) {
        continue;
      }
      Matcher m = JSON_ADDRESS.matcher(line);
      if (m.find()) {
        return Optional.of(m.group(1) + ":" + m.group(2));
      }
      m = TEXT_ADDRESS.matcher(line);
      if (m.find()) {
        return Optional.of(m.group(1) + ":" + m.group(2));
      }
    }
    return Optional.empty();
  }

  /** The client port; with {@code clientPort(0)} the port logged by the running member. */
  public int clientPort() {
    if (configuredClientPort != 0) {
      return configuredClientPort;
    }
    String addr = loggedClientAddress().orElseThrow(() -> new AssertionError(describe()
        + " was started with client port 0 but logged no 'serving ... client' line with its address:\n"
        + tail()));
    return Integer.parseInt(addr.substring(addr.lastIndexOf(':') + 1));
  }

  /** {@code http://127.0.0.1:<client port>} (or {@code https://} for a TLS-only member) */
  public String clientUrl() {
    return clientScheme + "://" + endpoint();
  }

  /** {@code 127.0.0.1:<client port>} */
  public String endpoint() {
    return "127.0.0.1:" + clientPort();
  }

  public int peerPort() {
    return peerPort;
  }

  public String peerUrl() {
    return peerScheme + "://127.0.0.1:" + peerPort;
  }

  public String name() {
    return name;
  }

  public ServerKind kind() {
    return kind;
  }

  public Path dataDir() {
    return dataDir;
  }

  public Path logFile() {
    return logFile;
  }

  public List<String> command() {
    return command;
  }

  public long pid() {
    return requireProcess().pid();
  }

  public boolean isAlive() {
    Process p = process;
    return p != null && p.isAlive();
  }

  /** Exit status of the last run, if it has ended (128+n when the process died by signal n). */
  public Optional<Integer> exitValue() {
    Process p = process;
    return p == null || p.isAlive() ? Optional.empty() : Optional.of(p.exitValue());
  }

  /** SIGTERM and wait (up to 30 s) for the process to end; returns its exit status (143 = by signal). */
  public int stop() {
    Process p = requireProcess();
    // ProcessHandle.destroy() only sends SIGTERM; Process.destroy() would also close our end of the
    // output pipe, and the member would then die of SIGPIPE while logging its shutdown.
    p.toHandle().destroy();
    return awaitExit(p, Duration.ofSeconds(30), "SIGTERM");
  }

  /** Sends {@code signal} (e.g. {@code "INT"}) with kill(1) and waits up to 30 s for the exit status. */
  /** Sends a signal without waiting for anything (SIGSTOP, SIGCONT). */
  public void sendSignal(String signal) {
    Process p = requireProcess();
    ProcessResult r = Processes.run(List.of("kill", "-s", signal, Long.toString(p.pid())), Map.of(),
        null, Duration.ofSeconds(10));
    if (r.exitCode() != 0) {
      throw new AssertionError("kill -s " + signal + " " + p.pid() + " failed: " + r);
    }
  }

  public int signal(String signal) {
    Process p = requireProcess();
    ProcessResult r = Processes.run(List.of("kill", "-s", signal, Long.toString(p.pid())), Map.of(), null,
        Duration.ofSeconds(10));
    if (r.exitCode() != 0) {
      throw new AssertionError("kill -s " + signal + " " + p.pid() + " failed: " + r);
    }
    return awaitExit(p, Duration.ofSeconds(30), "SIG" + signal);
  }

  /** SIGKILL ({@link Process#destroyForcibly()}) and wait; returns the exit status (137). */
  public int kill9() {
    Process p = requireProcess();
    p.destroyForcibly();
    return awaitExit(p, Duration.ofSeconds(30), "SIGKILL");
  }

  /** Starts the member again with the same data directory, ports and flags (not waiting for readiness). */
  public MemberProcess restart() {
    Process p = process;
    if (p != null && p.isAlive()) {
      throw new IllegalStateException(describe() + " is still running; stop() or kill9() it first");
    }
    joinReader();
    launch();
    return this;
  }

  /** Kills the process if it still runs and deletes its data directory (unless -Dit.keep-data=true). */
  @Override
  public void close() {
    Process p = process;
    if (p != null && p.isAlive()) {
      p.destroyForcibly();
      try {
        p.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    joinReader();
    LIVE.remove(this);
    if (!Boolean.getBoolean("it.keep-data")) {
      deleteTree(tempDir);
      if (!dataDir.startsWith(tempDir)) {
        deleteTree(dataDir);
      }
    }
  }

  private int awaitExit(Process p, Duration timeout, String what) {
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError(describe() + " did not exit within " + timeout + " after " + what
            + "; last lines:\n" + tail());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    joinReader();
    LIVE.remove(this);
    return p.exitValue();
  }

  private Process requireProcess() {
    Process p = process;
    if (p == null) {
      throw new IllegalStateException(describe() + " was never started");
    }
    return p;
  }

  private void joinReader() {
    Thread t = reader;
    if (t != null) {
      try {
        t.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private String describe() {
    Process p = process;
    return kind.name().toLowerCase(Locale.ROOT) + " member '" + name + "'"
        + (p == null ? "" : " (pid " + p.pid() + ")");
  }

  @Override
  public String toString() {
    return describe() + " client=" + (configuredClientPort == 0 ? "port 0" : clientUrl()) + " data=" + dataDir;
  }

  static Path targetDir() {
    return Paths.get(System.getProperty("it.target.dir", "target")).toAbsolutePath();
  }

  private static String goArch() {
    String arch = System.getProperty("os.arch", "");
    switch (arch) {
      case "amd64":
      case "x86_64":
        return "amd64";
      case "aarch64":
        return "arm64";
      default:
        return arch;
    }
  }

  private static String sanitize(String s) {
    return s.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void deleteTree(Path root) {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try {
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          Files.deleteIfExists(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
          Files.deleteIfExists(dir);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      // best effort: leftovers live under target/ and never influence later tests
    }
  }

  /** Configures and starts a {@link MemberProcess}. */
  public static final class Builder {
    private final ServerKind kind;
    private String testName = "it";
    private String name = "m1";
    private FlagStyle flagStyle = FlagStyle.EQUALS;
    private final List<String> extraArgs = new ArrayList<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private Integer clientPort;
    private Integer peerPort;
    private Path dataDir;
    private boolean nameAndDataDirViaEnv;
    private final List<String> clientSchemes = new ArrayList<>();
    private String initialCluster;
    private String peerScheme = "http";
    private String initialClusterState;
    private String initialClusterToken;

    private Builder(ServerKind kind) {
      this.kind = kind;
    }

    /** Names the log file after the test ({@code Class.method}). */
    public Builder test(TestInfo info) {
      String cls = info.getTestClass().map(Class::getSimpleName).orElse("it");
      String method = info.getTestMethod().map(java.lang.reflect.Method::getName).orElse(info.getDisplayName());
      return test(cls + "." + method);
    }

    public Builder test(String testName) {
      this.testName = testName;
      return this;
    }

    /** The member name ({@code --name}); default {@code m1}. */
    public Builder name(String name) {
      this.name = name;
      return this;
    }

    public Builder flagStyle(FlagStyle style) {
      this.flagStyle = style;
      return this;
    }

    /** Additional command-line arguments, appended after the generated flags. */
    public Builder args(String... args) {
      extraArgs.addAll(Arrays.asList(args));
      return this;
    }

    /** An environment variable for the member process. */
    public Builder env(String key, String value) {
      env.put(key, value);
      return this;
    }

    /** Listen on this client port; 0 lets the member pick (see {@link #loggedClientAddress()}). */
    public Builder clientPort(int port) {
      this.clientPort = port;
      return this;
    }

    /**
     * Client URL schemes to listen on, all on the same port (e.g. {@code "http", "https"}); the
     * last one is advertised. Default {@code http}.
     */
    public Builder clientSchemes(String... schemes) {
      clientSchemes.clear();
      clientSchemes.addAll(Arrays.asList(schemes));
      return this;
    }

    public Builder peerPort(int port) {
      this.peerPort = port;
      return this;
    }

    /** {@code http} (default) or {@code https} for the peer URLs (add the peer TLS flags). */
    public Builder peerScheme(String scheme) {
      this.peerScheme = scheme;
      return this;
    }

    /** {@code --initial-cluster}; default: this member alone. */
    public Builder initialCluster(String initialCluster) {
      this.initialCluster = initialCluster;
      return this;
    }

    /** {@code --initial-cluster-state} ({@code new} or {@code existing}). */
    public Builder initialClusterState(String state) {
      this.initialClusterState = state;
      return this;
    }

    public Builder initialClusterToken(String token) {
      this.initialClusterToken = token;
      return this;
    }

    /** Use this data directory instead of a fresh empty one (it is deleted on close). */
    public Builder dataDir(Path dir) {
      this.dataDir = dir;
      return this;
    }

    /** Pass name and data dir as {@code ETCD_NAME}/{@code ETCD_DATA_DIR} instead of flags. */
    public Builder nameAndDataDirViaEnv(boolean viaEnv) {
      this.nameAndDataDirViaEnv = viaEnv;
      return this;
    }

    /** Builds without starting. */
    public MemberProcess build() {
      return new MemberProcess(this);
    }

    /** Builds and starts the process (call {@link MemberProcess#awaitReady()} next). */
    public MemberProcess start() {
      MemberProcess m = build();
      m.launch();
      return m;
    }

    /** Builds, starts and waits until ready; kills the process if it does not become ready. */
    public MemberProcess startReady() {
      MemberProcess m = start();
      try {
        return m.awaitReady();
      } catch (RuntimeException | Error e) {
        m.close();
        throw e;
      }
    }
  }
}
