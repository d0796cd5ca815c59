package io.cairn.server.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the real {@code etcdctl} (API v3) against a set of endpoints.
 *
 * <pre>{@code
 * Etcdctl ctl = Etcdctl.of(member);
 * ctl.ok("put", "k", "v");
 * ProcessResult r = ctl.run("get", "k", "-w", "json");
 * ProcessResult t = ctl.withStdin("value(\"k\") = \"v\"\n\nput k w\n\n\n").run("txn");
 * }</pre>
 */
public final class Etcdctl {
  private final List<String> endpoints;
  private final Duration dialTimeout;
  private final Duration commandTimeout;
  private final byte[] stdin;

  private Etcdctl(List<String> endpoints, Duration dialTimeout, Duration commandTimeout, byte[] stdin) {
    this.endpoints = List.copyOf(endpoints);
    this.dialTimeout = dialTimeout;
    this.commandTimeout = commandTimeout;
    this.stdin = stdin;
  }

  /** An etcdctl bound to {@code host:port} endpoints (or URLs). */
  public static Etcdctl of(String... endpoints) {
    return new Etcdctl(Arrays.asList(endpoints), Duration.ofSeconds(3), Duration.ofSeconds(10), null);
  }

  /** An etcdctl bound to the client endpoint of {@code member}. */
  public static Etcdctl of(MemberProcess member) {
    return of(member.endpoint());
  }

  public Etcdctl withDialTimeout(Duration d) {
    return new Etcdctl(endpoints, d, commandTimeout, stdin);
  }

  public Etcdctl withCommandTimeout(Duration d) {
    return new Etcdctl(endpoints, dialTimeout, d, stdin);
  }

  /** A copy that feeds {@code text} (UTF-8) to etcdctl's standard input. */
  public Etcdctl withStdin(String text) {
    return withStdin(text.getBytes(StandardCharsets.UTF_8));
  }

  /** A copy that feeds {@code bytes} to etcdctl's standard input. */
  public Etcdctl withStdin(byte[] bytes) {
    return new Etcdctl(endpoints, dialTimeout, commandTimeout, bytes.clone());
  }

  /** Runs {@code etcdctl <global flags> args...} and returns its outcome, whatever the exit code. */
  public ProcessResult run(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(DependencyCheck.etcdctl().toString());
    cmd.add("--endpoints=" + String.join(",", endpoints));
    cmd.add("--dial-timeout=" + dialTimeout.toMillis() + "ms");
    cmd.add("--command-timeout=" + commandTimeout.toMillis() + "ms");
    cmd.addAll(Arrays.asList(args));
    Map<String, String> env = new LinkedHashMap<>();
    System.getenv().keySet().stream()
        .filter(k -> k.startsWith("ETCDCTL_") || k.startsWith("ETCD_"))
        .forEach(k -> env.put(k, null));
    env.put("ETCDCTL_API", "3");
    return Processes.run(cmd, env, stdin, commandTimeout.plus(dialTimeout).plusSeconds(20));
  }

  /** Runs etcdctl, asserts exit code 0 and returns stdout. */
  public String ok(String... args) {
    ProcessResult r = run(args);
    if (r.exitCode() != 0) {
      throw new AssertionError("etcdctl " + String.join(" ", args) + " failed against "
          + endpoints + ": " + r);
    }
    return r.stdout();
  }

  /** Runs etcdctl, asserts a non-zero exit code and returns stderr with client log lines removed. */
  public String fails(String... args) {
    ProcessResult r = run(args);
    if (r.exitCode() == 0) {
      throw new AssertionError("etcdctl " + String.join(" ", args) + " unexpectedly succeeded against "
          + endpoints + ": " + r);
    }
    return Outputs.stripClientLogs(r.stderr());
  }

  public List<String> endpoints() {
    return endpoints;
  }
}
