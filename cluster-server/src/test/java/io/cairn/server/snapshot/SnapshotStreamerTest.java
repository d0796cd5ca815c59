package io.cairn.server.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcd.jetcd.api.SnapshotRequest;
import io.etcd.jetcd.api.SnapshotResponse;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotStreamerTest {
  @TempDir Path tmp;

  private static Stores filled(Path dir) {
    Stores s = Stores.open(dir);
    for (int i = 0; i < 400; i++) {
      s.put("key/" + i, "v".repeat(500)); // ~ 200 kB: several 32 KiB chunks
    }
    return s;
  }

  private static ResponseHeader header(long rev) {
    return ResponseHeader.newBuilder().setClusterId(11).setMemberId(22).setRaftTerm(3).setRevision(rev).build();
  }

  @Test
  void sendsOnlyWhileReadyAndDeletesTheCopy() throws Exception {
    try (Stores s = filled(tmp.resolve("m"))) {
      FakeCall call = new FakeCall(3);
      new SnapshotStreamer(s.backend, SnapshotStreamerTest::header, Runnable::run)
          .snapshot(SnapshotRequest.getDefaultInstance(), call);
      assertThat(call.sent).hasSize(3);
      assertThat(call.completed).isFalse();
      assertThat(tmpCopies(s)).isEqualTo(1);

      call.budget = Integer.MAX_VALUE;
      call.onReady.run();
      assertThat(call.completed).isTrue();
      assertThat(tmpCopies(s)).isZero();

      List<SnapshotResponse> msgs = call.sent;
      assertThat(msgs.size()).isGreaterThan(4);
      SnapshotResponse last = msgs.get(msgs.size() - 1);
      assertThat(last.getBlob().size()).isEqualTo(32);
      assertThat(last.getRemainingBytes()).isZero();
      for (SnapshotResponse m : msgs) {
        assertThat(m.getHeader().getRevision()).isEqualTo(401);
        assertThat(m.getHeader().getClusterId()).isEqualTo(11);
        assertThat(m.getBlob().size()).isLessThanOrEqualTo(SnapshotStreamer.CHUNK);
      }
      assertThat(msgs.get(0).getBlob().size()).isEqualTo(SnapshotStreamer.CHUNK);
      Path file = tmp.resolve("s.db");
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      for (SnapshotResponse m : msgs) {
        m.getBlob().writeTo(all);
      }
      Files.write(file, all.toByteArray());
      long contentBytes = all.size() - 32;
      assertThat(msgs.get(0).getRemainingBytes()).isEqualTo(contentBytes - SnapshotStreamer.CHUNK);
      SnapshotStatus st = SnapshotFile.verify(file, false).status();
      assertThat(st.revision()).isEqualTo(401);
      assertThat(st.totalKey()).isEqualTo(400);
    }
  }

  @Test
  void cancelDeletesTheCopy() {
    try (Stores s = filled(tmp.resolve("m"))) {
      FakeCall call = new FakeCall(2);
      new SnapshotStreamer(s.backend, SnapshotStreamerTest::header, Runnable::run)
          .snapshot(SnapshotRequest.getDefaultInstance(), call);
      assertThat(tmpCopies(s)).isEqualTo(1);
      call.onCancel.run();
      assertThat(tmpCopies(s)).isZero();
      call.budget = Integer.MAX_VALUE;
      call.onReady.run();
      assertThat(call.sent).hasSize(2);
      assertThat(call.completed).isFalse();
    }
  }

  /** The real transport: a slow client pulls the stream through gRPC's flow control. */
  @Test
  void overGrpc() throws Exception {
    ExecutorService copier = Executors.newSingleThreadExecutor();
    try (Stores s = filled(tmp.resolve("m"))) {
      SnapshotStreamer streamer = new SnapshotStreamer(s.backend, SnapshotStreamerTest::header, copier);
      Server server =
          NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
              .addService(
                  new MaintenanceGrpc.MaintenanceImplBase() {
                    @Override
                    public void snapshot(SnapshotRequest req, StreamObserver<SnapshotResponse> out) {
                      streamer.snapshot(req, out);
                    }
                  })
              .build()
              .start();
      ManagedChannel ch =
          NettyChannelBuilder.forAddress("127.0.0.1", server.getPort())
              .usePlaintext()
              .flowControlWindow(16 * 1024)
              .build();
      try {
        Iterator<SnapshotResponse> it =
            MaintenanceGrpc.newBlockingStub(ch).snapshot(SnapshotRequest.getDefaultInstance());
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        while (it.hasNext()) {
          it.next().getBlob().writeTo(all);
          Thread.sleep(2);
        }
        Path file = tmp.resolve("grpc.db");
        Files.write(file, all.toByteArray());
        assertThat(SnapshotFile.verify(file, false).status().totalKey()).isEqualTo(400);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (tmpCopies(s) > 0 && System.nanoTime() < deadline) {
          Thread.sleep(10);
        }
        assertThat(tmpCopies(s)).isZero();
      } finally {
        ch.shutdownNow();
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    } finally {
      copier.shutdownNow();
    }
  }

  private static long tmpCopies(Stores s) {
    Path root = s.dataDir.resolve("member").resolve(SnapshotWriter.TMP_DIR);
    if (!Files.exists(root)) {
      return 0;
    }
    try (Stream<Path> l = Files.list(root)) {
      return l.count();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** A call that is ready for {@code budget} more messages. */
  private static final class FakeCall extends ServerCallStreamObserver<SnapshotResponse> {
    final List<SnapshotResponse> sent = new ArrayList<>();
    int budget;
    boolean completed;
    Throwable error;
    Runnable onReady = () -> {};
    Runnable onCancel = () -> {};

    FakeCall(int budget) {
      this.budget = budget;
    }

    @Override
    public boolean isReady() {
      return budget > 0;
    }

    @Override
    public void onNext(SnapshotResponse value) {
      sent.add(value);
      budget--;
    }

    @Override
    public void onError(Throwable t) {
      error = t;
    }

    @Override
    public void onCompleted() {
      completed = true;
    }

    @Override
    public boolean isCancelled() {
      return false;
    }

    @Override
    public void setOnCancelHandler(Runnable r) {
      onCancel = r;
    }

    @Override
    public void setOnReadyHandler(Runnable r) {
      onReady = r;
    }

    @Override
    public void setCompression(String c) {}

    @Override
    public void disableAutoInboundFlowControl() {}

    @Override
    public void request(int n) {}

    @Override
    public void setMessageCompression(boolean enable) {}
  }
}
