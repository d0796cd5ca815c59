package io.cairn.server.testing;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A long-running child process (e.g. {@code etcdctl watch} or {@code curl -N}) whose standard
 * output is collected while it runs and whose standard input stays open until {@link
 * #closeStdin()}. Tests wait for output with {@link #awaitStdout}.
 *
 * <pre>{@code
 * try (LiveProcess w = LiveProcess.etcdctl(member, "watch", "k")) {
 *   ...
 *   w.awaitStdout(out -> out.contains("PUT\n"), Duration.ofSeconds(10));
 * }
 * }</pre>
 */
public final class LiveProcess implements AutoCloseable {
  private final List<String> command;
  private final Process process;
  private final StringBuilder stdout = new StringBuilder();
  private final StringBuilder stderr = new StringBuilder();
  private final Thread outReader;
  private final Thread errReader;
  private OutputStream stdin;

  private LiveProcess(List<String> command, Map<String, String> env) {
    this.command = List.copyOf(command);
    ProcessBuilder pb = new ProcessBuilder(command);
    Processes.applyEnv(pb.environment(), env);
    try {
      process = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
    stdin = process.getOutputStream();
    outReader = pump(process.getInputStream(), stdout, "live-out");
    errReader = pump(process.getErrorStream(), stderr, "live-err");
  }

  /** Starts {@code command} with the given environment changes ({@code null} value removes). */
  public static LiveProcess start(List<String> command, Map<String, String> env) {
    return new LiveProcess(command, env);
  }

  /** Starts {@code etcdctl --endpoints=<member> args...} (API v3), stdin open. */
  public static LiveProcess etcdctl(MemberProcess member, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(DependencyCheck.etcdctl().toString());
    cmd.add("--endpoints=" + member.endpoint());
    cmd.add("--dial-timeout=3s");
    cmd.addAll(List.of(args));
    Map<String, String> env = new LinkedHashMap<>();
    System.getenv().keySet().stream()
        .filter(k -> k.startsWith("ETCDCTL_") || k.startsWith("ETCD_"))
        .forEach(k -> env.put(k, null));
    env.put("ETCDCTL_API", "3");
    return new LiveProcess(cmd, env);
  }

  private static Thread pump(InputStream in, StringBuilder sink, String name) {
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        char[] buf = new char[8192];
        int n;
        while ((n = r.read(buf)) >= 0) {
          synchronized (sink) {
            sink.append(buf, 0, n);
          }
        }
      } catch (IOException e) {
        // the process went away; what was read so far is kept
      }
    }, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** Everything written to stdout so far. */
  public String stdout() {
    synchronized (stdout) {
      return stdout.toString();
    }
  }

  /** Everything written to stderr so far. */
  public String stderr() {
    synchronized (stderr) {
      return stderr.toString();
    }
  }

  /** Writes {@code text} (UTF-8) to the process's stdin and flushes. */
  public LiveProcess write(String text) {
    try {
      stdin.write(text.getBytes(StandardCharsets.UTF_8));
      stdin.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write to " + command + "; stderr: " + stderr(), e);
    }
    return this;
  }

  /** Closes stdin (end of input). */
  public LiveProcess closeStdin() {
    try {
      stdin.close();
    } catch (IOException e) {
      // already gone
    }
    return this;
  }

  /** Waits until {@code condition} holds for the stdout collected so far; returns that stdout. */
  public String awaitStdout(Predicate<String> condition, Duration timeout) {
    try {
      await().atMost(timeout).pollInterval(Duration.ofMillis(20)).until(() -> condition.test(stdout()));
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError("output of " + String.join(" ", command) + " did not reach the expected"
          + " state within " + timeout + "\n--- stdout ---\n" + stdout() + "--- stderr ---\n" + stderr()
          + (process.isAlive() ? "" : "--- exited with " + process.exitValue()), e);
    }
    return stdout();
  }

  /** Waits for the process to exit by itself; returns its exit status. */
  public int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError(String.join(" ", command) + " did not exit within " + timeout
            + "\n--- stdout ---\n" + stdout() + "--- stderr ---\n" + stderr());
      }
      outReader.join(5_000);
      errReader.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return process.exitValue();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Stops the process (SIGTERM, then SIGKILL) and waits for its output to be read. */
  @Override
  public void close() {
    closeStdin();
    if (process.isAlive()) {
      process.toHandle().destroy();
      try {
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      outReader.join(2_000);
      errReader.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
