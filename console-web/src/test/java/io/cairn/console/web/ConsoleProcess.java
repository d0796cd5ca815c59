package io.cairn.console.web;

import io.cairn.server.testing.LiveProcess;
import io.cairn.server.testing.RepoRoot;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code bin/cairn-console} as a real process on a free port; knows the URL it printed. */
final class ConsoleProcess implements AutoCloseable {
  private static final Pattern URL = Pattern.compile("Cairn console: (http://\\S+/)");

  private final LiveProcess process;
  private final String url;

  private ConsoleProcess(LiveProcess process, String url) {
    this.process = process;
    this.url = url;
  }

  static ConsoleProcess start(Path profiles, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(RepoRoot.find().resolve("bin/cairn-console").toString());
    cmd.addAll(List.of("--port", "0", "--profiles", profiles.toString(), "--scrape-interval", "1"));
    cmd.addAll(List.of(args));
    LiveProcess p = LiveProcess.start(cmd, Map.of());
    String out = p.awaitStdout(s -> URL.matcher(s).find(), Duration.ofSeconds(90));
    Matcher m = URL.matcher(out);
    m.find();
    return new ConsoleProcess(p, m.group(1));
  }

  /** The console's base URL, ending with {@code /}. */
  String url() {
    return url;
  }

  String output() {
    return process.stdout() + process.stderr();
  }

  @Override
  public void close() {
    process.close();
  }
}
