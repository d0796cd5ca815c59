package io.cairn.server.snapshot;

import io.cairn.server.storage.Backend;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcd.jetcd.api.SnapshotRequest;
import io.etcd.jetcd.api.SnapshotResponse;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.concurrent.Executor;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code Maintenance.Snapshot}: copies the environment ({@link SnapshotWriter}), then streams it
 * as etcd does: messages of up to 32 KiB of database bytes, each with {@code remaining_bytes} =
 * database bytes still to come, then one message holding the 32-byte SHA-256 of the database
 * bytes ({@code remaining_bytes} 0). A client that concatenates the blobs gets the snapshot file
 * ({@code etcdctl snapshot save} does exactly that). Every message carries the header; its
 * revision is the revision of the copy.
 *
 * <p>Flow control: messages are sent only while the transport is ready ({@code isReady()}) and
 * resumed from the on-ready callback, so a slow client never makes the server buffer the whole
 * database. The temporary copy is deleted when the stream ends, fails, or is cancelled.
 */
public final class SnapshotStreamer {
  private static final Logger log = LoggerFactory.getLogger(SnapshotStreamer.class);
  /** etcd's {@code snapshotSendBufferSize}. */
  public static final int CHUNK = 32 * 1024;

  private final Backend backend;
  private final LongFunction<ResponseHeader> header;
  private final Executor executor;

  /**
   * @param header builds the response header for a snapshot at the given revision (cluster and
   *     member IDs, term)
   * @param executor runs the copy, which can take a while for a large database, off the gRPC
   *     thread; {@code Runnable::run} copies in the calling thread
   */
  public SnapshotStreamer(
      Backend backend, LongFunction<ResponseHeader> header, Executor executor) {
    this.backend = backend;
    this.header = header;
    this.executor = executor;
  }

  /** The gRPC handler body. */
  public void snapshot(SnapshotRequest request, StreamObserver<SnapshotResponse> out) {
    Transfer t = new Transfer(out);
    if (out instanceof ServerCallStreamObserver<SnapshotResponse> call) {
      call.setOnCancelHandler(t::cancel);
      call.setOnReadyHandler(t::drain);
    }
    try {
      executor.execute(t::start);
    } catch (RuntimeException e) {
      t.fail(e);
    }
  }

  /** One snapshot stream. All sending happens under the monitor. */
  private final class Transfer {
    private final StreamObserver<SnapshotResponse> out;
    private final ServerCallStreamObserver<SnapshotResponse> call;
    private DbSnapshot snapshot;
    private DbSnapshot.Chunks chunks;
    private ResponseHeader hdr;
    private boolean finished;
    private long startNanos;

    Transfer(StreamObserver<SnapshotResponse> out) {
      this.out = out;
      this.call = out instanceof ServerCallStreamObserver<SnapshotResponse> c ? c : null;
    }

    void start() {
      DbSnapshot s;
      try {
        s = SnapshotWriter.create(backend);
      } catch (RuntimeException e) {
        fail(e);
        return;
      }
      synchronized (this) {
        if (finished) {
          s.close();
          return;
        }
        snapshot = s;
        chunks = s.chunks(CHUNK);
        hdr = header.apply(s.revision());
        startNanos = System.nanoTime();
        log.atInfo()
            .addKeyValue("total-bytes", s.dbSize())
            .addKeyValue("revision", s.revision())
            .log("sending database snapshot to client");
      }
      drain();
    }

    synchronized void drain() {
      if (finished || chunks == null) {
        return;
      }
      try {
        while (chunks.hasNext() && (call == null || call.isReady())) {
          DbSnapshot.Chunk c = chunks.next();
          out.onNext(
              SnapshotResponse.newBuilder()
                  .setHeader(hdr)
                  .setRemainingBytes(c.remainingBytes())
                  .setBlob(c.blob())
                  .build());
        }
        if (!chunks.hasNext()) {
          finished = true;
          release();
          out.onCompleted();
          log.atInfo()
              .addKeyValue("total-bytes", snapshot.dbSize())
              .addKeyValue("took", (System.nanoTime() - startNanos) / 1_000_000 + "ms")
              .log("sent database snapshot to client");
        }
      } catch (IOException | RuntimeException e) {
        fail(e);
      }
    }

    synchronized void cancel() {
      if (!finished) {
        finished = true;
        release();
        log.info("snapshot stream cancelled by the client");
      }
    }

    synchronized void fail(Exception e) {
      if (finished) {
        return;
      }
      finished = true;
      release();
      log.warn("snapshot failed: {}", e.toString());
      try {
        out.onError(
            Status.INTERNAL.withDescription("snapshot failed: " + e.getMessage()).asRuntimeException());
      } catch (RuntimeException ignored) {
        // the call is already closed
      }
    }

    private void release() {
      if (chunks != null) {
        chunks.close();
      }
      if (snapshot != null) {
        snapshot.close();
      }
    }
  }
}
