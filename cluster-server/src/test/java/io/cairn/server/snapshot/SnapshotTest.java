package io.cairn.server.snapshot;

import static io.cairn.server.snapshot.Stores.bs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.server.mvcc.KeyRange;
import io.cairn.server.mvcc.MvccException;
import io.cairn.server.mvcc.MvccStore;
import io.cairn.server.server.MemberIds;
import io.cairn.server.storage.Backend;
import io.cairn.server.storage.Schema;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Txn;

class SnapshotTest {
  @TempDir Path tmp;

  private Path saveSnapshot(Stores s) throws Exception {
    Path file = tmp.resolve("snap.db");
    try (DbSnapshot snap = SnapshotWriter.create(s.backend)) {
      snap.saveTo(file);
    }
    return file;
  }

  @Test
  void streamIsDatabaseCopyPlusSha256() throws Exception {
    try (Stores s = Stores.open(tmp.resolve("m"))) {
      s.put("a", "1").put("b", "2").put("a", "3");
      try (DbSnapshot snap = SnapshotWriter.create(s.backend)) {
        assertThat(snap.file()).startsWith(tmp.resolve("m/member/snapshot.tmp"));
        assertThat(snap.dbSize() % 4096).isZero();
        assertThat(snap.revision()).isEqualTo(4);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        snap.writeTo(out);
        byte[] all = out.toByteArray();
        assertThat((long) all.length).isEqualTo(snap.totalSize());
        assertThat(all.length % 512).isEqualTo(32);
        byte[] db = Arrays.copyOf(all, all.length - 32);
        assertThat(db).isEqualTo(Files.readAllBytes(snap.file()));
        assertThat(Arrays.copyOfRange(all, all.length - 32, all.length))
            .isEqualTo(MessageDigest.getInstance("SHA-256").digest(db));

        // chunked: content pieces then the trailer alone, remaining counting content bytes
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        try (DbSnapshot.Chunks c = snap.chunks(5000)) {
          long expectRemaining = snap.dbSize();
          while (c.hasNext()) {
            DbSnapshot.Chunk ch = c.next();
            if (ch.trailer()) {
              assertThat(ch.blob().size()).isEqualTo(32);
              assertThat(ch.remainingBytes()).isZero();
            } else {
              expectRemaining -= ch.blob().size();
              assertThat(ch.remainingBytes()).isEqualTo(expectRemaining);
            }
            ch.blob().writeTo(joined);
          }
        }
        assertThat(joined.toByteArray()).isEqualTo(all);
        Path dir = snap.file().getParent();
        snap.close();
        assertThat(dir).doesNotExist();
      }
    }
  }

  @Test
  void copyIsConsistentWhileWritesContinue() throws Exception {
    try (Stores s = Stores.open(tmp.resolve("m"))) {
      for (int i = 0; i < 200; i++) {
        s.put("k" + i, "v".repeat(100));
      }
      AtomicBoolean stop = new AtomicBoolean();
      Thread writer =
          new Thread(
              () -> {
                int i = 0;
                while (!stop.get()) {
                  s.put("w" + (i++ % 50), "x".repeat(200));
                }
              });
      writer.start();
      try {
        for (int round = 0; round < 5; round++) {
          Path file = tmp.resolve("snap" + round + ".db");
          long rev;
          try (DbSnapshot snap = SnapshotWriter.create(s.backend)) {
            snap.saveTo(file);
            rev = snap.revision();
          }
          SnapshotStatus st = SnapshotFile.verify(file, false).status();
          assertThat(st.revision()).isEqualTo(rev);
          // every revision up to the snapshot's is in it, and nothing newer
          try (var scope = s.backend.read()) {
        Txn<byte[]> txn = scope.txn();
            // the live store has at least as much
            assertThat(KvHasher.currentRevision(s.backend.kv(), txn, 0)).isGreaterThanOrEqualTo(rev);
          }
          Path restored = tmp.resolve("r" + round);
          SnapshotRestore.restore(opts(file, restored));
          try (Backend b = Backend.open(restored, 1L << 30);
              MvccStore m = MvccStore.open(b)) {
            assertThat(m.currentRevision()).isEqualTo(rev);
            assertThat(KvHasher.hashKv(b, rev).hash())
                .isEqualTo(KvHasher.hashKv(s.backend, rev).hash());
          }
        }
      } finally {
        stop.set(true);
        writer.join();
      }
    }
  }

  @Test
  void statusReportsRevisionLiveKeysAndSize() throws Exception {
    try (Stores s = Stores.open(tmp.resolve("m"))) {
      s.put("a", "1").put("b", "2").put("a", "3").delete("b").put("c", "x");
      Path file = saveSnapshot(s);
      SnapshotStatus st = SnapshotFile.verify(file, false).status();
      assertThat(st.revision()).isEqualTo(6);
      assertThat(st.totalKey()).isEqualTo(2);
      assertThat(st.totalSize()).isEqualTo(Files.size(file) - 32);
      assertThat(SnapshotFile.verify(file, false).status()).isEqualTo(st);

      Run r = cli("status", file.toString(), "-w", "json");
      assertThat(r.code).isZero();
      assertThat(r.out)
          .isEqualTo(
              "{\"hash\":" + st.hash() + ",\"revision\":6,\"totalKey\":2,\"totalSize\":"
                  + st.totalSize() + "}\n");
      Run t = cli("status", file.toString(), "--write-out=table");
      assertThat(t.code).isZero();
      assertThat(t.out).startsWith("+----------+----------+------------+------------+\n");
      assertThat(t.out).contains("|   HASH   | REVISION | TOTAL KEYS | TOTAL SIZE |");
    }
  }

  @Test
  void flippedByteAndTruncationAreRefused() throws Exception {
    Path file;
    try (Stores s = Stores.open(tmp.resolve("m"))) {
      s.put("a", "1");
      file = saveSnapshot(s);
    }
    byte[] good = Files.readAllBytes(file);

    byte[] flipped = good.clone();
    flipped[5000] ^= 0x01;
    Path bad = tmp.resolve("flipped.db");
    Files.write(bad, flipped);
    Run st = cli("status", bad.toString());
    assertThat(st.code).isEqualTo(1);
    assertThat(st.err).startsWith("Error: snapshot file integrity check failed");
    assertThat(st.err).contains("expected sha256 [");
    assertNoStackTrace(st);
    Run rs = cli("restore", bad.toString(), "--data-dir", tmp.resolve("d1").toString());
    assertThat(rs.code).isEqualTo(1);
    assertThat(rs.err).startsWith("Error: expected sha256 [");
    assertThat(tmp.resolve("d1")).doesNotExist();
    assertNoStackTrace(rs);

    for (int cut : new int[] {1, 32, 100, 4096 + 32, good.length - 8192}) {
      Path trunc = tmp.resolve("trunc" + cut + ".db");
      Files.write(trunc, Arrays.copyOf(good, good.length - cut));
      Run a = cli("status", trunc.toString());
      if (cut == 32) {
        // exactly the database without its trailer: status reads it as etcdutl reads a bare db
        assertThat(a.code).isZero();
      } else {
        assertThat(a.code).as("status cut %d", cut).isEqualTo(1);
        assertThat(a.err).startsWith("Error: ");
      }
      assertNoStackTrace(a);
      Run b = cli("restore", trunc.toString(), "--data-dir", tmp.resolve("t" + cut).toString());
      assertThat(b.code).as("restore cut %d", cut).isEqualTo(1);
      assertThat(b.err).startsWith("Error: ");
      assertNoStackTrace(b);
      assertThat(tmp.resolve("t" + cut)).doesNotExist();
    }
    Run missing = cli("status", tmp.resolve("nope.db").toString());
    assertThat(missing.code).isEqualTo(1);
    assertThat(missing.err).contains("no such file or directory");
    Run notLmdb = cli("status", writeJunk(tmp.resolve("junk.db")).toString());
    assertThat(notLmdb.code).isEqualTo(1);
    assertNoStackTrace(notLmdb);
    assertThat(cli("status").code).isEqualTo(128);
  }

  private static Path writeJunk(Path p) throws Exception {
    byte[] junk = new byte[8192];
    Arrays.fill(junk, (byte) 7);
    byte[] withSha = Arrays.copyOf(junk, junk.length + 32);
    System.arraycopy(MessageDigest.getInstance("SHA-256").digest(junk), 0, withSha, junk.length, 32);
    Files.write(p, withSha);
    return p;
  }

  @Test
  void restoreMakesANewClusterKeepingTheData() throws Exception {
    long oldCluster;
    Path file;
    try (Stores s = Stores.open(tmp.resolve("m"))) {
      s.put("a", "1").put("b", "2").delete("a");
      // tables of other features travel along; members are dropped
      Dbi<byte[]> lease = s.backend.openDb("lease");
      Dbi<byte[]> members = s.backend.openDb("members");
      try (var scope = s.backend.write()) {
        Txn<byte[]> txn = scope.txn();
        lease.put(txn, "l1".getBytes(), "ttl".getBytes());
        members.put(txn, "old".getBytes(), "member".getBytes());
        s.backend.putLong(txn, Schema.CLUSTER_ID, 1234);
        s.backend.putLong(txn, Schema.MEMBER_ID, 5678);
        s.backend.putLong(txn, Schema.TERM, 9);
        s.backend.putLong(txn, Schema.CONSISTENT_INDEX, 77);
        txn.commit();
      }
      oldCluster = 1234;
      file = saveSnapshot(s);
    }
    Path dir = tmp.resolve("restored");
    String cluster = "n1=http://10.0.0.1:2380,n2=http://10.0.0.2:2380";
    Run r =
        cli(
            "restore", file.toString(), "--data-dir", dir.toString(), "--name", "n2",
            "--initial-cluster", cluster, "--initial-cluster-token", "tok",
            "--initial-advertise-peer-urls", "http://10.0.0.2:2380");
    assertThat(r.code).as(r.err).isZero();
    long n1 = MemberIds.memberId(List.of(URI.create("http://10.0.0.1:2380")), "tok");
    long n2 = MemberIds.memberId(List.of(URI.create("http://10.0.0.2:2380")), "tok");
    try (Backend b = Backend.open(dir, 1L << 30);
        MvccStore m = MvccStore.open(b)) {
      try (var scope = b.read()) {
        Txn<byte[]> txn = scope.txn();
        assertThat(b.getLong(txn, Schema.MEMBER_ID, 0)).isEqualTo(n2);
        assertThat(b.getLong(txn, Schema.CLUSTER_ID, 0))
            .isEqualTo(MemberIds.clusterId(List.of(n1, n2)))
            .isNotEqualTo(oldCluster);
        assertThat(b.getLong(txn, Schema.TERM, -1)).isZero();
        assertThat(b.getLong(txn, Schema.CONSISTENT_INDEX, -1)).isZero();
      }
      Dbi<byte[]> lease = b.env().openDbi("lease", DbiFlags.MDB_CREATE);
      Dbi<byte[]> members = b.env().openDbi("members", DbiFlags.MDB_CREATE);
      try (var scope = b.read()) {
        Txn<byte[]> txn = scope.txn();
        assertThat(new String(lease.get(txn, "l1".getBytes()))).isEqualTo("ttl");
        assertThat(members.stat(txn).entries).isZero();
      }
      assertThat(m.currentRevision()).isEqualTo(4);
      assertThat(m.range(KeyRange.of(bs("b"), com.google.protobuf.ByteString.EMPTY), 0, 0, false)
              .kvs().get(0).getValue().toString(StandardCharsets.UTF_8))
          .isEqualTo("2");
      assertThat(m.keyCount()).isEqualTo(1);
    }
    // a second restore into the same (now non-empty) dir is refused
    Run again = cli("restore", file.toString(), "--data-dir", dir.toString());
    assertThat(again.code).isEqualTo(1);
    assertThat(again.err).isEqualTo("Error: data-dir \"" + dir + "\" not empty or could not be read\n");
    // name not in the cluster
    Run stranger =
        cli("restore", file.toString(), "--data-dir", tmp.resolve("x").toString(), "--name", "n9",
            "--initial-cluster", cluster);
    assertThat(stranger.code).isEqualTo(1);
    assertThat(stranger.err).contains("couldn't find local name \"n9\"");
  }

  @Test
  void bumpRevisionAndMarkCompacted() throws Exception {
    Path file;
    try (Stores s = Stores.open(tmp.resolve("m"))) {
      s.put("a", "1").put("a", "2").put("b", "3"); // revision 4
      file = saveSnapshot(s);
    }
    Path dir = tmp.resolve("bumped");
    assertThat(cli("restore", file.toString(), "--data-dir", dir.toString(), "--bump-revision", "1000").code)
        .isEqualTo(1);
    assertThat(cli("restore", file.toString(), "--data-dir", dir.toString(), "--mark-compacted").code)
        .isEqualTo(1);
    assertThat(dir).doesNotExist();
    Run r =
        cli("restore", file.toString(), "--data-dir", dir.toString(), "--bump-revision=1000",
            "--mark-compacted");
    assertThat(r.code).as(r.err).isZero();
    try (Backend b = Backend.open(dir, 1L << 30)) {
      try (var scope = b.read()) {
        Txn<byte[]> txn = scope.txn();
        assertThat(b.getLong(txn, Schema.CURRENT_REVISION, 0)).isEqualTo(1004);
        assertThat(b.getLong(txn, Schema.SCHEDULED_COMPACT, 0)).isEqualTo(1004);
        assertThat(b.kv().stat(txn).entries).isEqualTo(3); // no row written
      }
      try (MvccStore m = MvccStore.open(b)) {
        assertThat(m.currentRevision()).isEqualTo(1004);
        assertThat(m.compactRevision()).isEqualTo(1004);
        assertThatThrownBy(() -> m.range(KeyRange.of(bs("a"), com.google.protobuf.ByteString.EMPTY), 4, 0, false))
            .isInstanceOf(MvccException.class);
        var now = m.range(KeyRange.of(bs("a"), com.google.protobuf.ByteString.EMPTY), 0, 0, false);
        assertThat(now.kvs().get(0).getValue().toStringUtf8()).isEqualTo("2");
        assertThat(now.revision()).isEqualTo(1004);
        // the next write continues above the bumped revision
        try (var batch = m.beginBatch()) {
          batch.begin().put(bs("c"), bs("4"), 0);
          batch.commit();
        }
        assertThat(m.currentRevision()).isEqualTo(1005);
      }
    }
  }

  @Test
  void skipHashCheckAcceptsABareDatabase() throws Exception {
    Path bare = tmp.resolve("bare.db");
    try (Stores s = Stores.open(tmp.resolve("m"))) {
      s.put("a", "1");
      try (DbSnapshot snap = SnapshotWriter.create(s.backend)) {
        Files.copy(snap.file(), bare);
      }
    }
    Run refused = cli("restore", bare.toString(), "--data-dir", tmp.resolve("d").toString());
    assertThat(refused.code).isEqualTo(1);
    assertThat(refused.err).isEqualTo("Error: snapshot missing hash but --skip-hash-check=false\n");
    Run ok =
        cli("restore", bare.toString(), "--data-dir", tmp.resolve("d").toString(), "--skip-hash-check");
    assertThat(ok.code).as(ok.err).isZero();
    assertThat(cli("status", bare.toString()).code).isZero();
  }

  // ---- helpers

  private static SnapshotRestore.Options opts(Path file, Path dir) {
    return new SnapshotRestore.Options(file, dir, null, null, null, null, false, 0, false);
  }

  private record Run(int code, String out, String err) {}

  private static Run cli(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        SnapshotCommand.run(
            args, new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static void assertNoStackTrace(Run r) {
    assertThat(r.err).doesNotContain("\tat ").doesNotContain("Exception");
  }
}
