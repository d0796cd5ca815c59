package io.cairn.server.it;

import static io.cairn.server.testing.Clients.bytes;
import static io.cairn.server.testing.Clients.get;
import static io.cairn.server.testing.Clients.str;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cairn.server.testing.Clients;
import io.cairn.server.testing.FreePorts;
import io.cairn.server.testing.JetcdMember;
import io.cairn.server.testing.MemberProcess;
import io.cairn.server.testing.ProcessResult;
import io.cairn.server.testing.Processes;
import io.cairn.server.testing.RepoRoot;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.lease.LeaseTimeToLiveResponse;
import io.etcd.jetcd.maintenance.StatusResponse;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.LeaseOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.support.CloseableClient;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchEvent.EventType;
import io.etcd.jetcd.watch.WatchResponse;
import com.google.protobuf.UnknownFieldSet;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/** Watch, Lease and Maintenance through jetcd against one fresh member per test. */
class JetcdWatchLeaseIT {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path tmp;
  private MemberProcess member;
  private Client client;
  private KV kv;
  private JetcdMember fixture;

  @BeforeEach
  void start(TestInfo info) {
    fixture = JetcdMember.start(info);
    member = fixture.member();
    client = fixture.client();
    kv = client.getKVClient();
  }

  @AfterEach
  void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  void watchCatchUpAcrossACompaction() {
    for (int i = 0; i < 10; i++) {
      get(kv.put(bytes("c/k"), bytes("v" + i))); // revisions 2..11
    }
    get(kv.compact(6));

    AtomicReference<Throwable> error = new AtomicReference<>();
    List<WatchEvent> tooOld = new CopyOnWriteArrayList<>();
    watch("c/k", WatchOption.builder().withRevision(4).build(), r -> tooOld.addAll(r.getEvents()), error::set);
    await().atMost(WAIT).until(() -> error.get() != null);
    assertThat(error.get()).isInstanceOf(CompactedException.class);
    assertThat(((CompactedException) error.get()).getCompactedRevision()).isEqualTo(6);
    assertThat(tooOld).isEmpty();

    List<WatchEvent> atCompact = new CopyOnWriteArrayList<>();
    List<WatchEvent> after = new CopyOnWriteArrayList<>();
    AtomicReference<Throwable> unexpected = new AtomicReference<>();
    watch("c/k", WatchOption.builder().withRevision(6).build(), r -> atCompact.addAll(r.getEvents()), unexpected::set);
    watch("c/k", WatchOption.builder().withRevision(9).build(), r -> after.addAll(r.getEvents()), unexpected::set);
    await().atMost(WAIT).until(() -> atCompact.size() >= 6 && after.size() >= 3);
    get(kv.put(bytes("c/k"), bytes("live"))); // 12
    await().atMost(WAIT).until(() -> atCompact.size() >= 7 && after.size() >= 4);
    get(kv.put(bytes("c/other"), bytes("x"))); // 13, not watched
    get(kv.put(bytes("c/k"), bytes("live2"))); // 14
    await().atMost(WAIT).until(() -> atCompact.size() >= 8 && after.size() >= 5);
    assertThat(unexpected.get()).isNull();
    assertThat(modRevisions(atCompact)).containsExactly(6L, 7L, 8L, 9L, 10L, 11L, 12L, 14L);
    assertThat(modRevisions(after)).containsExactly(9L, 10L, 11L, 12L, 14L);
    assertThat(str(atCompact.get(0).getKeyValue().getValue())).isEqualTo("v4");
    assertThat(atCompact.get(0).getKeyValue().getVersion()).isEqualTo(5);
    assertThat(str(after.get(4).getKeyValue().getValue())).isEqualTo("live2");
  }

  @Test
  void thousandWatchersEachSeeTheirKeyExactlyOnceAndInOrder() throws Exception {
    int n = 1000;
    List<ConcurrentLinkedQueue<WatchEvent>> seen = new ArrayList<>();
    CountDownLatch created = new CountDownLatch(n);
    AtomicReference<Throwable> error = new AtomicReference<>();
    for (int i = 0; i < n; i++) {
      ConcurrentLinkedQueue<WatchEvent> q = new ConcurrentLinkedQueue<>();
      seen.add(q);
      watch(key(i), WatchOption.builder().withCreateNotify(true).build(), r -> {
        if (r.isCreatedNotify()) {
          created.countDown();
        }
        q.addAll(r.getEvents());
      }, error::set);
    }
    assertThat(created.await(30, TimeUnit.SECONDS)).as("all watchers created").isTrue();

    Semaphore inFlight = new Semaphore(64);
    List<CompletableFuture<?>> chains = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      inFlight.acquire();
      ByteSequence k = bytes(key(i));
      CompletableFuture<?> chain = kv.put(k, bytes("one"))
          .thenCompose(r -> kv.put(k, bytes("two")))
          .thenCompose(r -> kv.delete(k))
          .whenComplete((r, t) -> inFlight.release());
      chains.add(chain);
    }
    CompletableFuture.allOf(chains.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

    await().atMost(WAIT).until(() -> seen.stream().mapToInt(ConcurrentLinkedQueue::size).sum() >= 3 * n);
    assertThat(error.get()).isNull();
    for (int i = 0; i < n; i++) {
      List<WatchEvent> events = List.copyOf(seen.get(i));
      String what = key(i) + ": " + describe(events);
      assertThat(events).as(what).hasSize(3);
      assertThat(events).as(what).extracting(WatchEvent::getEventType)
          .containsExactly(EventType.PUT, EventType.PUT, EventType.DELETE);
      String k = key(i);
      assertThat(events).as(what).allSatisfy(e -> assertThat(str(e.getKeyValue().getKey())).isEqualTo(k));
      assertThat(str(events.get(0).getKeyValue().getValue())).isEqualTo("one");
      assertThat(str(events.get(1).getKeyValue().getValue())).isEqualTo("two");
      assertThat(events.get(0).getKeyValue().getVersion()).isEqualTo(1);
      assertThat(events.get(1).getKeyValue().getVersion()).isEqualTo(2);
      assertThat(events.get(1).getKeyValue().getCreateRevision()).isEqualTo(events.get(0).getKeyValue().getModRevision());
      List<Long> revs = modRevisions(events);
      assertThat(revs).as(what).isSorted().doesNotHaveDuplicates();
    }
    // every revision 2..3001 went to exactly one watcher
    List<Long> all = seen.stream().flatMap(q -> q.stream().map(e -> e.getKeyValue().getModRevision()))
        .sorted().toList();
    assertThat(all).hasSize(3 * n).doesNotHaveDuplicates();
    assertThat(all.get(0)).isEqualTo(2);
    assertThat(all.get(all.size() - 1)).isEqualTo(3L * n + 1);
  }

  @Test
  void prefixWatcherGetsAHundredOpTxnInOneResponse() {
    List<WatchResponse> responses = new CopyOnWriteArrayList<>();
    CountDownLatch created = new CountDownLatch(1);
    watch("t/", WatchOption.builder().isPrefix(true).withCreateNotify(true).build(), r -> {
      if (r.isCreatedNotify()) {
        created.countDown();
      } else {
        responses.add(r);
      }
    }, t -> { });
    await().atMost(WAIT).until(() -> created.getCount() == 0);
    get(kv.put(bytes("t/050"), bytes("before"))); // 2
    Op[] ops = new Op[100];
    for (int i = 0; i < 100; i++) {
      String k = String.format("t/%03d", i);
      ops[i] = i == 50
          ? Op.delete(bytes(k), io.etcd.jetcd.options.DeleteOption.DEFAULT)
          : Op.put(bytes(k), bytes("txn-" + i), PutOption.DEFAULT);
    }
    TxnResponse txn = get(kv.txn().Then(ops).commit());
    long rev = txn.getHeader().getRevision();
    assertThat(rev).isEqualTo(3);
    await().atMost(WAIT).until(() -> responses.stream().mapToInt(r -> r.getEvents().size()).sum() >= 101);
    assertThat(responses).hasSize(2);
    WatchResponse batch = responses.get(1);
    assertThat(batch.getEvents()).hasSize(100);
    assertThat(batch.getHeader().getRevision()).isEqualTo(rev);
    assertThat(modRevisions(batch.getEvents())).containsOnly(rev);
    assertThat(batch.getEvents().get(50).getEventType()).isEqualTo(EventType.DELETE);
    assertThat(batch.getEvents().stream().map(e -> str(e.getKeyValue().getKey())).toList())
        .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 100)
            .mapToObj(i -> String.format("t/%03d", i)).toList());
  }

  @Test
  void expiredLeaseDeletesItsKeysAndWatchersSeeTheDeletes() {
    long lease = get(client.getLeaseClient().grant(2)).getID();
    assertThat(get(client.getLeaseClient().timeToLive(lease, LeaseOption.DEFAULT)).getGrantedTTL()).isEqualTo(2);
    for (String k : new String[] {"e/a", "e/b", "e/c"}) {
      get(kv.put(bytes(k), bytes("v"), PutOption.builder().withLeaseId(lease).build()));
    }
    get(kv.put(bytes("e/keep"), bytes("v"))); // 5
    List<WatchResponse> responses = new CopyOnWriteArrayList<>();
    watch("e/", WatchOption.builder().isPrefix(true).withRevision(6).build(), responses::add, t -> { });
    long granted = System.nanoTime();
    await().atMost(WAIT).until(() -> responses.stream().mapToInt(r -> r.getEvents().size()).sum() >= 3);
    assertThat(responses).hasSize(1);
    assertThat(responses.get(0).getEvents()).extracting(WatchEvent::getEventType).containsOnly(EventType.DELETE);
    assertThat(responses.get(0).getEvents().stream().map(e -> str(e.getKeyValue().getKey())).toList())
        .containsExactlyInAnyOrder("e/a", "e/b", "e/c");
    assertThat(modRevisions(responses.get(0).getEvents())).containsOnly(6L);
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - granted)).isLessThan(10_000);
    assertThat(keys(get(kv.get(bytes("e/"), GetOption.builder().isPrefix(true).build())))).containsExactly("e/keep");
    assertThat(get(client.getLeaseClient().timeToLive(lease, LeaseOption.DEFAULT)).getTTL()).isEqualTo(-1);
  }

  @Test
  void keepAliveHoldsATwoSecondLeaseForSixSeconds() {
    long lease = get(client.getLeaseClient().grant(2)).getID();
    get(kv.put(bytes("ka/k"), bytes("v"), PutOption.builder().withLeaseId(lease).build()));
    List<LeaseKeepAliveResponse> acks = new CopyOnWriteArrayList<>();
    AtomicReference<Throwable> error = new AtomicReference<>();
    CloseableClient keepAlive = client.getLeaseClient().keepAlive(lease, new StreamObserver<>() {
      @Override
      public void onNext(LeaseKeepAliveResponse r) {
        acks.add(r);
      }

      @Override
      public void onError(Throwable t) {
        error.set(t);
      }

      @Override
      public void onCompleted() { }
    });
    try {
      await().during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(9)).pollInterval(Duration.ofMillis(250))
          .until(() -> get(kv.get(bytes("ka/k"))).getCount() == 1);
      assertThat(error.get()).isNull();
      assertThat(acks.size()).isGreaterThanOrEqualTo(3);
      assertThat(acks).allSatisfy(a -> {
        assertThat(a.getID()).isEqualTo(lease);
        assertThat(a.getTTL()).isEqualTo(2);
      });
      LeaseTimeToLiveResponse ttl = get(client.getLeaseClient().timeToLive(lease, LeaseOption.DEFAULT));
      assertThat(ttl.getTTL()).isBetween(0L, 2L);
    } finally {
      keepAlive.close();
    }
    await().atMost(WAIT).until(() -> get(kv.get(bytes("ka/k"))).getCount() == 0);
  }

  @Test
  void revokeTimeToLiveWithKeysAndLeaseList() throws Exception {
    long a = get(client.getLeaseClient().grant(60)).getID();
    long b = get(client.getLeaseClient().grant(60)).getID();
    assertThat(a).isNotEqualTo(b);
    get(kv.put(bytes("r/1"), bytes("x"), PutOption.builder().withLeaseId(a).build())); // 2
    get(kv.put(bytes("r/2"), bytes("y"), PutOption.builder().withLeaseId(a).build())); // 3
    get(kv.put(bytes("r/3"), bytes("z"), PutOption.builder().withLeaseId(b).build())); // 4
    assertThat(get(kv.get(bytes("r/1"))).getKvs().get(0).getLease()).isEqualTo(a);

    LeaseTimeToLiveResponse ttl = get(client.getLeaseClient().timeToLive(a, LeaseOption.builder().withAttachedKeys().build()));
    assertThat(ttl.getID()).isEqualTo(a);
    assertThat(ttl.getGrantedTTL()).isEqualTo(60);
    assertThat(ttl.getTTL()).isBetween(50L, 59L);
    assertThat(ttl.getKeys().stream().map(Clients::str).sorted().toList()).containsExactly("r/1", "r/2");
    assertThat(get(client.getLeaseClient().timeToLive(a, LeaseOption.DEFAULT)).getKeys()).isEmpty();

    assertThat(leases()).containsExactlyInAnyOrder(a, b);
    long revoked = get(client.getLeaseClient().revoke(a)).getHeader().getRevision();
    assertThat(revoked).isEqualTo(5);
    GetResponse left = get(kv.get(bytes("r/"), GetOption.builder().isPrefix(true).build()));
    assertThat(keys(left)).containsExactly("r/3");
    GetResponse before = get(kv.get(bytes("r/"), GetOption.builder().isPrefix(true).withRevision(4).build()));
    assertThat(keys(before)).containsExactly("r/1", "r/2", "r/3");
    assertThat(leases()).containsExactly(b);
    LeaseTimeToLiveResponse gone = get(client.getLeaseClient().timeToLive(a, LeaseOption.builder().withAttachedKeys().build()));
    assertThat(gone.getTTL()).isEqualTo(-1);
    assertThat(gone.getGrantedTTL()).isZero();
    assertThat(Clients.failure(client.getLeaseClient().revoke(a))).hasMessageContaining("requested lease not found");
    assertThat(Clients.failure(client.getLeaseClient().keepAliveOnce(a))).hasMessageContaining("requested lease not found");
  }

  @Test
  void statusHashKvAndSnapshotRestoredIntoANewMember(TestInfo info) throws Exception {
    for (int i = 0; i < 20; i++) {
      get(kv.put(bytes("s/" + (i % 7)), bytes("v" + i)));
    }
    get(kv.delete(bytes("s/3")));
    get(kv.compact(10));
    get(kv.put(bytes("s/last"), bytes("end"))); // revision 23

    StatusResponse status = get(client.getMaintenanceClient().statusMember(member.clientUrl()));
    long memberId = status.getHeader().getMemberId();
    assertThat(status.getLeader()).isEqualTo(memberId);
    assertThat(status.getHeader().getRevision()).isEqualTo(23);
    assertThat(status.getVersion()).matches(member.kind().isCairn() ? "3\\.5\\.\\d+" : "3\\.\\d+\\.\\d+");
    assertThat(status.getDbSize()).isPositive();
    assertThat(status.getRaftIndex()).isPositive();
    assertThat(status.getRaftAppliedIndex()).isEqualTo(status.getRaftIndex());
    assertThat(status.isLearner()).isFalse();

    var hash = get(client.getMaintenanceClient().hashKV(member.clientUrl(), 0));
    assertThat(hash.getCompacted()).isEqualTo(10);
    assertThat(hash.getHeader().getRevision()).isEqualTo(23);
    var hashAt15 = get(client.getMaintenanceClient().hashKV(member.clientUrl(), 15));

    Path file = tmp.resolve("jetcd.snapshot");
    try (OutputStream out = Files.newOutputStream(file)) {
      long size = client.getMaintenanceClient().snapshot(out).get(60, TimeUnit.SECONDS);
      assertThat(size).isPositive();
    }
    assertThat(Files.size(file) % 512).isEqualTo(32);
    List<KeyValue> original = get(kv.get(bytes("\0"), GetOption.builder().withRange(bytes("\0")).build())).getKvs();

    int peerPort = FreePorts.next();
    String peer = "http://127.0.0.1:" + peerPort;
    Path dataDir = tmp.resolve("restored");
    ProcessResult restored = restore(file, "--data-dir", dataDir.toString(), "--name", "x",
        "--initial-cluster", "x=" + peer, "--initial-cluster-token", "t2", "--initial-advertise-peer-urls", peer);
    assertThat(restored.exitCode()).as(restored.toString()).isZero();

    try (MemberProcess copy = MemberProcess.builder(info).name("x").peerPort(peerPort).dataDir(dataDir).startReady();
        Client c = Clients.jetcd(copy)) {
      GetResponse all = get(c.getKVClient().get(bytes("\0"), GetOption.builder().withRange(bytes("\0")).build()));
      assertThat(all.getHeader().getRevision()).isEqualTo(23);
      assertThat(describeKvs(all.getKvs())).isEqualTo(describeKvs(original));
      assertThat(all.getHeader().getMemberId()).isNotEqualTo(memberId);
      var copyHash = get(c.getMaintenanceClient().hashKV(copy.clientUrl(), 0));
      assertThat(copyHash.getHash()).isEqualTo(hash.getHash());
      assertThat(get(c.getMaintenanceClient().hashKV(copy.clientUrl(), 15)).getHash()).isEqualTo(hashAt15.getHash());
      assertThat(get(c.getKVClient().put(bytes("s/new"), bytes("1"))).getHeader().getRevision()).isEqualTo(24);
    }
  }

  // ---------------------------------------------------------------------------------------------

  private void watch(String key, WatchOption option, java.util.function.Consumer<WatchResponse> onNext,
      java.util.function.Consumer<Throwable> onError) {
    fixture.track(client.getWatchClient().watch(bytes(key), option, Watch.listener(onNext, onError)));
  }

  /**
   * {@code Lease/LeaseLeases}, which jetcd's generated stubs lack: an empty request, and a
   * response whose field 2 holds {@code LeaseStatus} messages with the id in field 1.
   */
  private List<Long> leases() throws Exception {
    MethodDescriptor.Marshaller<byte[]> raw = new MethodDescriptor.Marshaller<>() {
      @Override
      public java.io.InputStream stream(byte[] value) {
        return new java.io.ByteArrayInputStream(value);
      }

      @Override
      public byte[] parse(java.io.InputStream stream) {
        try {
          return stream.readAllBytes();
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
    };
    MethodDescriptor<byte[], byte[]> method = MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName("etcdserverpb.Lease/LeaseLeases")
        .setRequestMarshaller(raw).setResponseMarshaller(raw).build();
    ManagedChannel channel = Clients.channel(member);
    try {
      byte[] reply = ClientCalls.blockingUnaryCall(channel, method,
          CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), new byte[0]);
      UnknownFieldSet.Field leases = UnknownFieldSet.parseFrom(reply).getField(2);
      List<Long> ids = new ArrayList<>();
      for (com.google.protobuf.ByteString status : leases.getLengthDelimitedList()) {
        ids.add(UnknownFieldSet.parseFrom(status).getField(1).getVarintList().get(0));
      }
      return ids;
    } finally {
      Clients.close(channel);
    }
  }

  private static String key(int i) {
    return String.format("k/%04d", i);
  }

  private static List<Long> modRevisions(List<WatchEvent> events) {
    return events.stream().map(e -> e.getKeyValue().getModRevision()).toList();
  }

  private static List<String> keys(GetResponse r) {
    return r.getKvs().stream().map(k -> str(k.getKey())).toList();
  }

  private static String describe(List<WatchEvent> events) {
    return events.stream().map(e -> e.getEventType() + "@" + e.getKeyValue().getModRevision())
        .collect(Collectors.joining(","));
  }

  private static List<String> describeKvs(List<KeyValue> kvs) {
    List<String> out = new ArrayList<>();
    for (KeyValue k : kvs) {
      out.add(str(k.getKey()) + "=" + str(k.getValue()) + " c" + k.getCreateRevision() + " m" + k.getModRevision()
          + " v" + k.getVersion() + " l" + k.getLease());
    }
    return Collections.unmodifiableList(out);
  }

  private ProcessResult restore(Path file, String... args) {
    List<String> cmd = new ArrayList<>();
    if (member.kind().isCairn()) {
      cmd.add(RepoRoot.find().resolve("bin/cairn").toString());
    } else {
      cmd.addAll(List.of("/usr/bin/etcdctl", "--endpoints=127.0.0.1:1"));
    }
    cmd.addAll(List.of("snapshot", "restore", file.toString()));
    cmd.addAll(List.of(args));
    return Processes.run(cmd, Map.of("ETCDCTL_API", "3"), null, Duration.ofSeconds(120));
  }
}
