package io.cairn.server.cli;

import io.cairn.server.bench.Bench;
import io.cairn.server.snapshot.SnapshotCommand;
import java.util.Arrays;

/**
 * {@code bin/cairn}: Cairn's operator tool. Subcommands: {@code bench} (load generator for any
 * etcd v3 endpoint) and {@code snapshot} (the {@code etcdutl snapshot} equivalent).
 */
public final class CairnCli {
  private CairnCli() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("help")) {
      System.out.println("usage: cairn <command> [args]\n\ncommands:\n"
          + "  bench put|range ...        load an etcd v3 endpoint; report throughput and latency\n"
          + "  snapshot status|restore   inspect a snapshot file, or restore it into a new data dir");
      System.exit(args.length == 0 ? 2 : 0);
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    switch (args[0]) {
      case "bench" -> Bench.main(rest);
      case "snapshot" -> System.exit(SnapshotCommand.run(rest));
      default -> {
        System.err.println("unknown command \"" + args[0] + "\" for \"cairn\"");
        System.exit(2);
      }
    }
  }
}
