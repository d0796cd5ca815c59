package io.cairn.server.server;

import io.cairn.server.cluster.Peers;
import io.cairn.server.mvcc.MvccStore;
import io.cairn.server.raft.Message;
import io.cairn.server.raft.Snapshot;
import io.cairn.server.raft.SnapshotMeta;
import io.cairn.server.snapshot.RaftSnapshotData;
import io.cairn.server.storage.RaftLogStore;
import io.cairn.server.util.DaemonThreads;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whole-state snapshots between members: the leader's side writes an image of every replicated
 * row and streams it to a follower that fell behind the compacted log; the follower's side
 * installs a received image in one transaction. Images live in files under the data dir while in
 * transit (left-overs are removed at start-up).
 */
final class SnapshotShipping implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SnapshotShipping.class);

  private final MvccStore store;
  private final RaftLogStore logStore;
  private final Peers peers;
  private final Path dir;
  private final long timeoutMillis;
  private final ExecutorService sender =
      Executors.newSingleThreadExecutor(DaemonThreads.named("snapshot-sender"));

  SnapshotShipping(MvccStore store, RaftLogStore logStore, Peers peers, Path dir,
      long timeoutMillis) {
    this.store = store;
    this.logStore = logStore;
    this.peers = peers;
    this.dir = dir;
    this.timeoutMillis = timeoutMillis;
  }

  /**
   * Sends the state to {@code m.to()} on a background thread (applying goes on meanwhile) and
   * reports the outcome to {@code done}. The image is written from one read transaction; its Raft
   * position is whatever that transaction had applied, at least the one the core asked for.
   */
  void send(Message m, BiConsumer<Long, Boolean> done) {
    long to = m.to();
    sender.execute(() -> {
      Path image = null;
      boolean ok = false;
      try {
        Files.createDirectories(dir);
        image = Files.createTempFile(dir, "send-", ".img");
        SnapshotMeta meta;
        try (var out = new DataOutputStream(
            new BufferedOutputStream(Files.newOutputStream(image), 1 << 20))) {
          meta = RaftSnapshotData.write(store.backend(), logStore, out);
        }
        if (meta.index() < m.snapshot().index() || meta.term() == 0) {
          throw new IllegalStateException("snapshot image at " + meta.index()
              + " is behind the requested " + m.snapshot().index());
        }
        peers.sendSnapshot(m.toBuilder().snapshot(new Snapshot(meta, null)).build(), image,
            timeoutMillis);
        log.atInfo()
            .addKeyValue("to", MemberIds.hex(to))
            .addKeyValue("snapshot-index", meta.index())
            .addKeyValue("bytes", Files.size(image))
            .log("sent a snapshot to a follower");
        ok = true;
      } catch (Exception e) {
        log.atWarn().addKeyValue("to", MemberIds.hex(to))
            .log("failed to send a snapshot: " + e.getMessage());
      } finally {
        deleteQuietly(image);
        done.accept(to, ok);
      }
    });
  }

  /**
   * Records a snapshot the core accepted. The bootstrap snapshot of a new cluster carries no image
   * (the founding membership only); one from a leader names the image file the transport stored,
   * which replaces every replicated row and the whole log in one transaction.
   *
   * @return whether an image replaced the state (the caller reloads what it keeps in memory)
   */
  boolean install(Snapshot snap) throws IOException {
    Path image = snap.data().length == 0 ? null
        : Path.of(new String(snap.data(), StandardCharsets.UTF_8));
    try (var w = store.backend().write()) {
      if (image != null) {
        try (var in = new DataInputStream(
            new BufferedInputStream(Files.newInputStream(image), 1 << 20))) {
          RaftSnapshotData.install(store.backend(), w.txn(), in);
        }
        logStore.clear(w.txn());
      }
      logStore.setSnapshot(w.txn(), snap.meta());
      logStore.setConfState(w.txn(), snap.meta().confState());
      w.commit();
    }
    if (image == null) {
      return false;
    }
    Files.deleteIfExists(image);
    store.reload();
    return true;
  }

  private static void deleteQuietly(Path image) {
    if (image == null) {
      return;
    }
    try {
      Files.deleteIfExists(image);
    } catch (IOException e) {
      // Left for the start-up clean-up.
    }
  }

  @Override
  public void close() {
    sender.shutdownNow();
  }
}
