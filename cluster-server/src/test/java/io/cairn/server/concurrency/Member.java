package io.cairn.server.concurrency;

import com.google.protobuf.ByteString;
import io.cairn.server.apply.Command;
import io.cairn.server.config.ConfigLoader;
import io.cairn.server.mvcc.KeyRange;
import io.cairn.server.server.EtcdServer;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.LeaseGrantResponse;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.PutResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** An in-process member with the concurrency services over it. */
final class Member implements AutoCloseable {
  final EtcdServer server;
  final RevisionPoller poller;
  final LockService lock;
  final ElectionService election;

  Member(Path dir) throws Exception {
    server =
        EtcdServer.start(
            ConfigLoader.load(
                new String[] {
                  "--name", "t",
                  "--data-dir", dir.toString(),
                  "--listen-client-urls", "http://127.0.0.1:0",
                  "--advertise-client-urls", "http://127.0.0.1:0"
                },
                Map.of()),
            () -> {
              throw new IllegalStateException("member failed");
            });
    poller = new RevisionPoller(server.store());
    lock = new LockService(server, poller);
    election = new ElectionService(server, poller);
  }

  long grant(long ttl) {
    return ((LeaseGrantResponse) await(
            server.grantLease(LeaseGrantRequest.newBuilder().setTTL(ttl).build())))
        .getID();
  }

  void revoke(long lease) {
    await(server.revokeLease(lease));
  }

  long put(String key, String value) {
    return ((PutResponse)
            await(
                server.propose(
                    Command.put(
                        PutRequest.newBuilder()
                            .setKey(ByteString.copyFromUtf8(key))
                            .setValue(ByteString.copyFromUtf8(value))
                            .build()))))
        .getHeader()
        .getRevision();
  }

  /** The live key {@code key}, or null. */
  KeyValue get(ByteString key) {
    List<KeyValue> kvs = server.store().range(KeyRange.of(key, ByteString.EMPTY), 0, 0, false)
        .kvs();
    return kvs.isEmpty() ? null : kvs.get(0);
  }

  /** Waits (5 s) until {@code key} exists or, with {@code present} false, is gone. */
  boolean awaitKey(ByteString key, boolean present) throws InterruptedException {
    for (int i = 0; i < 250; i++) {
      if ((get(key) != null) == present) {
        return true;
      }
      Thread.sleep(20);
    }
    return false;
  }

  static <T> T await(CompletableFuture<T> f) {
    try {
      return f.get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    poller.close();
    server.close();
  }
}
