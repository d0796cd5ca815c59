package io.cairn.server.snapshot;

import io.cairn.server.config.ConfigException;
import io.cairn.server.config.ConfigLoader;
import io.cairn.server.server.MemberIds;
import io.cairn.server.storage.Backend;
import io.cairn.server.storage.Schema;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.lmdbjava.Dbi;
import org.lmdbjava.Txn;

/**
 * {@code cairn snapshot restore}: makes a new member's data dir from a snapshot file, for a new
 * cluster described by the initial-cluster flags.
 *
 * <ol>
 *   <li>Checks the trailer (unless {@code skipHashCheck}) and that the data dir is absent or
 *       empty.
 *   <li>Copies the database content to {@code <data-dir>/member/lmdb/data.mdb}: every table as
 *       it was (keys, leases, auth, ...).
 *   <li>Rewrites what belongs to the old cluster, in one transaction: {@code member_id} and {@code
 *       cluster_id} computed from the initial cluster and token as the member would on first
 *       start; {@code term} 0; {@code consistent_index} 0, because the restored member's log
 *       starts empty (its first applied entry is index 1 again); the {@code members} and {@code
 *       members_removed} tables, if any, are emptied (membership comes from the new initial
 *       cluster).
 *   <li>With {@code bumpRevision} N, raises {@code current_revision} by N without writing any row
 *       (the store takes the higher of that value and its newest row). With {@code markCompacted},
 *       records the new revision as the scheduled compaction: reads and watches from any older
 *       revision fail with "required revision has been compacted" instead of silently missing
 *       the writes the old cluster made after the snapshot. {@code finished_compact_rev} is left
 *       as it was, so the member removes the superseded history on its first start, as it does
 *       after any interrupted compaction.
 * </ol>
 *
 * On failure nothing is left behind: what the restore created is removed.
 */
public final class SnapshotRestore {
  private SnapshotRestore() {}

  /** Restore options; {@link #withDefaults()} fills what etcdutl defaults. */
  public record Options(
      Path snapshot,
      Path dataDir,
      String name,
      String initialCluster,
      String initialClusterToken,
      String initialAdvertisePeerUrls,
      boolean skipHashCheck,
      long bumpRevision,
      boolean markCompacted) {

    public Options withDefaults() {
      String n = name == null ? "default" : name;
      return new Options(
          snapshot,
          dataDir == null ? Path.of(n + ".etcd") : dataDir,
          n,
          initialCluster == null ? "default=http://localhost:2380" : initialCluster,
          initialClusterToken == null ? "etcd-cluster" : initialClusterToken,
          initialAdvertisePeerUrls == null ? "http://localhost:2380" : initialAdvertisePeerUrls,
          skipHashCheck,
          bumpRevision,
          markCompacted);
    }
  }

  /** What the restore wrote. */
  public record Result(long memberId, long clusterId, long revision, long compactRevision) {}

  public static Result restore(Options opts) {
    Options o = opts.withDefaults();
    if (o.bumpRevision() < 0) {
      throw new SnapshotException("--bump-revision must not be negative");
    }
    if (o.markCompacted() && o.bumpRevision() == 0) {
      throw new SnapshotException("--mark-compacted requires --bump-revision > 0");
    }
    if (o.bumpRevision() > 0 && !o.markCompacted()) {
      throw new SnapshotException("--bump-revision requires --mark-compacted");
    }
    long[] ids = identity(o);
    SnapshotFile file = SnapshotFile.verify(o.snapshot(), o.skipHashCheck());
    Path dataDir = o.dataDir();
    boolean created = !Files.exists(dataDir);
    if (!created && !isEmptyDir(dataDir)) {
      throw new SnapshotException("data-dir \"" + dataDir + "\" not empty or could not be read");
    }
    // Check the database before writing anything.
    file.read(db -> db.dbi(Schema.KEY));
    try {
      Path lmdb = dataDir.resolve(Backend.DIR);
      Files.createDirectories(lmdb);
      file.copyContentTo(lmdb.resolve("data.mdb"));
      Result r = rewrite(dataDir, file.contentSize(), ids[0], ids[1], o);
      return r;
    } catch (IOException | RuntimeException e) {
      SnapshotWriter.deleteTree(dataDir.resolve("member"));
      if (created) {
        SnapshotWriter.deleteTree(dataDir);
      }
      if (e instanceof SnapshotException se) {
        throw se;
      }
      throw new SnapshotException("cannot restore into " + dataDir + ": " + e.getMessage(), e);
    }
  }

  private static Result rewrite(Path dataDir, long size, long memberId, long clusterId, Options o) {
    try (Backend backend = Backend.open(dataDir, Math.max(8L << 30, size * 2))) {
      EnvDbs.prepare(backend.env());
      try {
        List<String> names;
        try (Backend.Read r = backend.read()) {
          names = EnvDbs.names(backend.env(), r.txn());
        }
        List<Dbi<byte[]>> membership = new ArrayList<>();
        // A snapshot carries its member's Raft log and membership; the restored member starts a
        // new cluster from the flags, so both go.
        for (String n : List.of(Schema.MEMBERS, Schema.MEMBERS_REMOVED,
            io.cairn.server.storage.RaftLogStore.LOG_DB)) {
          if (names.contains(n)) {
            membership.add(EnvDbs.handle(backend.env(), n));
          }
        }
        try (Backend.Write w = backend.write()) {
          Txn<byte[]> txn = w.txn();
          for (Dbi<byte[]> dbi : membership) {
            dbi.drop(txn, false);
          }
          for (byte[] key : io.cairn.server.storage.RaftLogStore.META_KEYS) {
            backend.meta().delete(txn, key);
          }
          long rev =
              KvHasher.currentRevision(
                  backend.kv(), txn, backend.getLong(txn, Schema.CURRENT_REVISION, 1));
          long newRev = rev + o.bumpRevision();
          backend.putLong(txn, Schema.MEMBER_ID, memberId);
          backend.putLong(txn, Schema.CLUSTER_ID, clusterId);
          backend.putLong(txn, Schema.TERM, 0);
          backend.putLong(txn, Schema.CONSISTENT_INDEX, 0);
          backend.putLong(txn, Schema.CURRENT_REVISION, newRev);
          if (o.markCompacted()) {
            backend.putLong(txn, Schema.SCHEDULED_COMPACT, newRev);
          }
          long compact = backend.getLong(txn, Schema.SCHEDULED_COMPACT, 0);
          w.commit();
          return new Result(memberId, clusterId, newRev, compact);
        }
      } finally {
        EnvDbs.forget(backend.env());
      }
    }
  }

  /** Member and cluster ID of the named member in the new cluster, checked as etcd does. */
  static long[] identity(Options o) {
    LinkedHashMap<String, List<URI>> cluster;
    List<URI> advertised = new ArrayList<>();
    try {
      cluster = ConfigLoader.initialClusterMap(o.initialCluster());
      List<String> entries = new ArrayList<>();
      for (String u : o.initialAdvertisePeerUrls().split(",")) {
        if (!u.isEmpty()) {
          entries.add("x=" + u);
        }
      }
      List<URI> parsed = ConfigLoader.initialClusterMap(String.join(",", entries)).get("x");
      if (parsed != null) {
        advertised.addAll(parsed);
      }
    } catch (ConfigException e) {
      throw new SnapshotException(e.getMessage());
    }
    if (cluster.isEmpty()) {
      throw new SnapshotException("--initial-cluster must not be empty");
    }
    List<URI> mine = cluster.get(o.name());
    if (mine == null) {
      throw new SnapshotException(
          "couldn't find local name \"" + o.name() + "\" in the initial cluster configuration");
    }
    if (!sortedStrings(mine).equals(sortedStrings(advertised))) {
      throw new SnapshotException(
          "--initial-cluster has " + o.name() + "=" + join(mine)
              + " but missing from --initial-advertise-peer-urls=" + join(advertised));
    }
    long self = 0;
    List<Long> ids = new ArrayList<>();
    for (Map.Entry<String, List<URI>> e : cluster.entrySet()) {
      long id = MemberIds.memberId(e.getValue(), o.initialClusterToken());
      ids.add(id);
      if (e.getKey().equals(o.name())) {
        self = id;
      }
    }
    return new long[] {self, MemberIds.clusterId(ids)};
  }

  private static List<String> sortedStrings(List<URI> urls) {
    return urls.stream().map(URI::toString).sorted().toList();
  }

  private static String join(List<URI> urls) {
    return String.join(",", sortedStrings(urls));
  }

  private static boolean isEmptyDir(Path dir) {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isEmpty();
    } catch (IOException e) {
      return false;
    }
  }
}
