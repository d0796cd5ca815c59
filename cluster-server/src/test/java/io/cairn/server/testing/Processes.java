package io.cairn.server.testing;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs short-lived child processes with a time limit. */
public final class Processes {
  private Processes() {}

  /**
   * Runs {@code command} to completion. Output goes to temporary files (so that a large stdin
   * cannot dead-lock against unread output); {@code stdin} may be {@code null}.
   *
   * @param env variables to set ({@code null} value removes the variable)
   */
  public static ProcessResult run(
      List<String> command, Map<String, String> env, byte[] stdin, Duration timeout) {
    Path out = null;
    Path err = null;
    try {
      out = Files.createTempFile("it-out", ".txt");
      err = Files.createTempFile("it-err", ".txt");
      ProcessBuilder pb = new ProcessBuilder(command);
      applyEnv(pb.environment(), env);
      pb.redirectOutput(out.toFile());
      pb.redirectError(err.toFile());
      pb.redirectInput(stdin == null ? ProcessBuilder.Redirect.from(new File("/dev/null"))
          : ProcessBuilder.Redirect.PIPE);
      Process process = pb.start();
      if (stdin != null) {
        try (OutputStream os = process.getOutputStream()) {
          os.write(stdin);
        } catch (IOException e) {
          // The process may exit without reading all of its input; its exit code tells.
        }
      }
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError("timed out after " + timeout + ": " + String.join(" ", command)
            + "\n--- stdout ---\n" + Files.readString(out) + "--- stderr ---\n"
            + Files.readString(err));
      }
      return new ProcessResult(process.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + command, e);
    } finally {
      deleteQuietly(out);
      deleteQuietly(err);
    }
  }

  /** Applies {@code env} to a process environment; a {@code null} value removes the variable. */
  static void applyEnv(Map<String, String> target, Map<String, String> env) {
    if (env == null) {
      return;
    }
    env.forEach((k, v) -> {
      if (v == null) {
        target.remove(k);
      } else {
        target.put(k, v);
      }
    });
  }

  private static void deleteQuietly(Path p) {
    if (p != null) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException ignored) {
        // temp file; nothing else to do
      }
    }
  }
}
