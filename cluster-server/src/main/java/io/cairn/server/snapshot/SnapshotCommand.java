package io.cairn.server.snapshot;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code cairn snapshot status|restore}: {@code etcdutl snapshot}'s commands for Cairn snapshot
 * files. Errors are one line, {@code Error: <reason>}, on standard error; exit codes follow
 * etcdutl (1 for a failure, 128 for bad arguments).
 */
public final class SnapshotCommand {
  static final int EXIT_ERROR = 1;
  static final int EXIT_BAD_ARGS = 128;

  private static final String USAGE =
      """
      usage: cairn snapshot <command> [flags]

      commands:
        status <file> [-w simple|table|json]
            Checks a snapshot file (sha256 trailer, database) and prints its hash, revision,
            total keys and total size.
        restore <file> [flags]
            Creates a member data dir from a snapshot file for a new cluster.
            --data-dir DIR                    data dir to create (default <name>.etcd)
            --name NAME                       member name (default "default")
            --initial-cluster CLUSTER         e.g. m1=http://10.0.0.1:2380,m2=... (default
                                              "default=http://localhost:2380")
            --initial-cluster-token TOKEN     default "etcd-cluster"
            --initial-advertise-peer-urls U   default "http://localhost:2380"
            --skip-hash-check                 accept a file without (or with a wrong) sha256
            --bump-revision N                 raise the revision by N (needs --mark-compacted)
            --mark-compacted                  mark the new revision compacted (needs --bump-revision)
      """;

  private SnapshotCommand() {}

  /** Runs the command with {@code args} (after "snapshot"); returns the exit code. */
  public static int run(String[] args) {
    return run(args, System.out, System.err);
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")
        || args[0].equals("help")) {
      (args.length == 0 ? err : out).print(USAGE);
      return args.length == 0 ? EXIT_BAD_ARGS : 0;
    }
    try {
      switch (args[0]) {
        case "status":
          return status(rest(args), out, err);
        case "restore":
          return restore(rest(args), out, err);
        default:
          err.println("Error: unknown command \"" + args[0] + "\" for \"cairn snapshot\"");
          return EXIT_BAD_ARGS;
      }
    } catch (BadArgs e) {
      err.println("Error: " + e.getMessage());
      return EXIT_BAD_ARGS;
    } catch (SnapshotException e) {
      err.println("Error: " + e.getMessage());
      return EXIT_ERROR;
    } catch (RuntimeException e) {
      err.println("Error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
      return EXIT_ERROR;
    }
  }

  private static String[] rest(String[] args) {
    String[] r = new String[args.length - 1];
    System.arraycopy(args, 1, r, 0, r.length);
    return r;
  }

  private static int status(String[] args, PrintStream out, PrintStream err) {
    Flags f = Flags.parse(args, List.of("-w", "--write-out"), List.of());
    if (f.help) {
      out.print(USAGE);
      return 0;
    }
    if (f.positional.size() != 1) {
      throw new BadArgs("snapshot status requires exactly one argument");
    }
    String format = f.value("--write-out", f.value("-w", "simple"));
    if (!List.of("simple", "table", "json").contains(format)) {
      throw new BadArgs("unsupported output format \"" + format + "\" (simple, table or json)");
    }
    SnapshotFile file;
    try {
      file = SnapshotFile.verify(Path.of(f.positional.get(0)), false);
    } catch (SnapshotException e) {
      if (e.getMessage().startsWith("snapshot missing hash")) {
        // a bare database (no trailer) can still be inspected, as etcdutl does
        file = SnapshotFile.verify(Path.of(f.positional.get(0)), true);
      } else if (e.getMessage().startsWith("expected sha256")) {
        throw new SnapshotException(
            "snapshot file integrity check failed. 1 errors found.\n" + e.getMessage());
      } else {
        throw e;
      }
    }
    SnapshotStatus s = file.status();
    out.print(
        switch (format) {
          case "table" -> s.table();
          case "json" -> s.json();
          default -> s.simple();
        });
    return 0;
  }

  private static int restore(String[] args, PrintStream out, PrintStream err) {
    Flags f =
        Flags.parse(
            args,
            List.of(
                "--data-dir",
                "--name",
                "--initial-cluster",
                "--initial-cluster-token",
                "--initial-advertise-peer-urls",
                "--bump-revision"),
            List.of("--skip-hash-check", "--mark-compacted"));
    if (f.help) {
      out.print(USAGE);
      return 0;
    }
    if (f.positional.size() != 1) {
      throw new BadArgs("snapshot restore requires exactly one argument");
    }
    long bump;
    try {
      bump = Long.parseLong(f.value("--bump-revision", "0"));
    } catch (NumberFormatException e) {
      throw new BadArgs(
          "invalid argument \"" + f.value("--bump-revision", "") + "\" for \"--bump-revision\" flag");
    }
    String dataDir = f.value("--data-dir", null);
    SnapshotRestore.Result r =
        SnapshotRestore.restore(
            new SnapshotRestore.Options(
                Path.of(f.positional.get(0)),
                dataDir == null ? null : Path.of(dataDir),
                f.value("--name", null),
                f.value("--initial-cluster", null),
                f.value("--initial-cluster-token", null),
                f.value("--initial-advertise-peer-urls", null),
                f.bool("--skip-hash-check"),
                bump,
                f.bool("--mark-compacted")));
    Path target =
        dataDir != null ? Path.of(dataDir) : Path.of(f.value("--name", "default") + ".etcd");
    err.println(
        "restored snapshot " + f.positional.get(0) + " into data-dir " + target
            + " (member " + Long.toHexString(r.memberId()) + ", cluster "
            + Long.toHexString(r.clusterId()) + ", revision " + r.revision()
            + (r.compactRevision() > 0 ? ", compacted at " + r.compactRevision() : "") + ")");
    return 0;
  }

  /** A usage error. */
  private static final class BadArgs extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadArgs(String message) {
      super(message, null, false, false);
    }
  }

  /** Minimal GNU-style flags: {@code --f v}, {@code --f=v}, booleans {@code --b[=true|false]}. */
  private static final class Flags {
    final List<String> positional = new ArrayList<>();
    final java.util.Map<String, String> values = new java.util.HashMap<>();
    boolean help;

    static Flags parse(String[] args, List<String> valued, List<String> booleans) {
      Flags f = new Flags();
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        if (a.equals("--")) {
          for (int j = i + 1; j < args.length; j++) {
            f.positional.add(args[j]);
          }
          break;
        }
        if (a.equals("-h") || a.equals("--help")) {
          f.help = true;
          continue;
        }
        if (!a.startsWith("-") || a.equals("-")) {
          f.positional.add(a);
          continue;
        }
        String name = a;
        String value = null;
        int eq = a.indexOf('=');
        if (eq > 0) {
          name = a.substring(0, eq);
          value = a.substring(eq + 1);
        }
        if (valued.contains(name)) {
          if (value == null) {
            if (i + 1 >= args.length) {
              throw new BadArgs("flag needs an argument: " + name);
            }
            value = args[++i];
          }
          f.values.put(name, value);
        } else if (booleans.contains(name)) {
          if (value != null && !value.equals("true") && !value.equals("false")) {
            throw new BadArgs("invalid argument \"" + value + "\" for \"" + name + "\" flag");
          }
          f.values.put(name, value == null ? "true" : value);
        } else {
          throw new BadArgs("unknown flag: " + name);
        }
      }
      return f;
    }

    String value(String name, String dflt) {
      return values.getOrDefault(name, dflt);
    }

    boolean bool(String name) {
      return "true".equals(values.get(name));
    }
  }
}
