package io.cairn.console.web;

import io.cairn.console.core.session.ConnectionProfile;
import io.cairn.console.core.session.ProfileStore;
import io.cairn.console.core.session.TlsFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The console's command line: {@code --flag value} or {@code --flag=value}, as etcd's tools take them. */
final class ConsoleArgs {
  /** Thrown for bad command lines; the message is what the user sees. */
  static final class UsageException extends Exception {
    UsageException(String message) {
      super(message);
    }
  }

  private record Flag(String name, String arg, String defaultValue, String help) {}

  private static final List<Flag> FLAGS = List.of(
      new Flag("endpoints", "URL[,URL...]", "127.0.0.1:2379",
          "the cluster to open on: host:port, http://host:port or https://host:port, comma-separated"),
      new Flag("port", "N", "8080", "the port the console listens on (0 = any free port)"),
      new Flag("host", "ADDR", "127.0.0.1", "the address the console listens on (0.0.0.0 = all)"),
      new Flag("user", "NAME", "", "user name for clusters with auth enabled"),
      new Flag("password", "PASS", "",
          "password of --user (or set CAIRN_CONSOLE_PASSWORD; never stored in profiles)"),
      new Flag("cacert", "FILE", "", "CA bundle that verifies the members' certificates (PEM)"),
      new Flag("cert", "FILE", "", "client certificate for clusters with --client-cert-auth (PEM)"),
      new Flag("key", "FILE", "", "the client certificate's private key (PEM)"),
      new Flag("separator", "S", "/", "the separator the key tree splits keys on"),
      new Flag("profiles", "FILE", "", "where remembered connection profiles live (default "
          + "$XDG_CONFIG_HOME/cairn/console-profiles.json)"),
      new Flag("scrape-interval", "SECONDS", "5", "how often /metrics of every member is read for the charts"),
      new Flag("retention", "MINUTES", "360", "how much metrics history the charts keep"));

  private ConsoleArgs() {}

  static String help() {
    StringBuilder b = new StringBuilder();
    b.append("Usage: cairn-console [flags]\n\n")
        .append("Starts the Cairn web console against an etcd v3 cluster (Cairn or etcd) and prints its URL.\n\n")
        .append("Flags:\n");
    for (Flag f : FLAGS) {
      String left = "  --" + f.name() + " " + f.arg();
      b.append(String.format("%-34s %s", left, f.help()));
      if (!f.defaultValue().isEmpty()) {
        b.append(" (default ").append(f.defaultValue()).append(')');
      }
      b.append('\n');
    }
    b.append(String.format("%-34s %s%n", "  --help", "print this help and exit"));
    return b.toString();
  }

  static ConsoleConfig parse(String[] args, Map<String, String> env) throws UsageException {
    Map<String, String> values = new LinkedHashMap<>();
    for (Flag f : FLAGS) {
      values.put(f.name(), f.defaultValue());
    }
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--")) {
        throw new UsageException("unexpected argument '" + a + "' (flags start with --; see --help)");
      }
      String name = a.substring(2);
      String value = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      if (!values.containsKey(name)) {
        throw new UsageException("unknown flag: --" + name + " (see --help)");
      }
      if (value == null) {
        if (i + 1 >= args.length) {
          throw new UsageException("flag needs an argument: --" + name);
        }
        value = args[++i];
      }
      values.put(name, value);
    }
    return toConfig(values, env);
  }

  private static ConsoleConfig toConfig(Map<String, String> v, Map<String, String> env)
      throws UsageException {
    List<String> endpoints;
    try {
      endpoints = ConnectionProfile.parseEndpoints(v.get("endpoints"));
    } catch (IllegalArgumentException e) {
      throw new UsageException("--endpoints: " + e.getMessage());
    }
    int port = intFlag(v, "port", 0, 65535);
    String password = v.get("password").isEmpty() ? env.get("CAIRN_CONSOLE_PASSWORD") : v.get("password");
    TlsFiles tls = new TlsFiles(file(v, "cacert"), file(v, "cert"), file(v, "key"));
    if ((tls.clientCert() == null) != (tls.clientKey() == null)) {
      throw new UsageException("--cert and --key go together");
    }
    String separator = v.get("separator");
    if (separator.isEmpty()) {
      throw new UsageException("--separator must not be empty");
    }
    Path profiles = v.get("profiles").isEmpty() ? ProfileStore.defaultFile() : Path.of(v.get("profiles"));
    Duration scrape = Duration.ofSeconds(intFlag(v, "scrape-interval", 1, 3600));
    Duration retention = Duration.ofMinutes(intFlag(v, "retention", 1, 7 * 24 * 60));
    String user = v.get("user").isEmpty() ? null : v.get("user");
    return new ConsoleConfig(v.get("host"), port, endpoints, user, password,
        tls, separator, profiles, scrape, retention);
  }

  private static int intFlag(Map<String, String> v, String name, int min, int max) throws UsageException {
    try {
      int n = Integer.parseInt(v.get(name).trim());
      if (n < min || n > max) {
        throw new UsageException("--" + name + " must be between " + min + " and " + max + ", got " + n);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + " is not a number: '" + v.get(name) + "'");
    }
  }

  private static Path file(Map<String, String> v, String name) throws UsageException {
    String s = v.get(name);
    if (s.isEmpty()) {
      return null;
    }
    Path p = Path.of(s);
    if (!Files.isReadable(p)) {
      throw new UsageException("--" + name + ": cannot read " + p);
    }
    return p;
  }

  static List<String> flagNames() {
    List<String> names = new ArrayList<>();
    FLAGS.forEach(f -> names.add(f.name()));
    return names;
  }
}
