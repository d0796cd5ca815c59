package io.cairn.server.it;

import com.google.protobuf.ByteString;
import io.cairn.server.testing.ClusterProcesses;
import io.cairn.server.testing.Clients;
import io.cairn.server.testing.MemberProcess;
import io.cairn.server.testing.history.HistoryRecorder;
import io.cairn.server.testing.history.LinearizabilityChecker;
import io.cairn.server.testing.history.Op;
import io.cairn.server.testing.history.Result;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.DeleteRangeResponse;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.PutResponse;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Jepsen-style: concurrent clients put, get, delete and compare-and-swap a few keys through every
 * member of a three-member cluster while a nemesis kills (SIGKILL, then restart) and freezes
 * (SIGSTOP/SIGCONT) random members. Every operation is recorded with its invocation and
 * completion order; the history must be linearizable (see {@link LinearizabilityChecker}).
 *
 * <p>CI runs it for {@code -Dlin.seconds=20} (the default); a longer soak: {@code mvn -pl
 * cluster-server verify -Dit.test=LinearizabilityIT -Dlin.seconds=600 -Dlin.seed=42}. The seed
 * (printed) drives the operation mix and the nemesis.
 */
class LinearizabilityIT {
  private static final String[] KEYS = {"k0", "k1", "k2"};

  @Test
  void historiesStayLinearizableWhileMembersAreKilledAndFrozen(TestInfo info) throws Exception {
    long seconds = Long.getLong("lin.seconds", 20);
    long seed = Long.getLong("lin.seed", System.nanoTime());
    System.out.println("linearizability: seed " + seed + ", " + seconds + " s");
    HistoryRecorder history = new HistoryRecorder();
    try (ClusterProcesses c = ClusterProcesses.start(info, 3)) {
      AtomicBoolean stop = new AtomicBoolean();
      List<Thread> clients = new ArrayList<>();
      List<ManagedChannel> channels = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        ManagedChannel ch = Clients.channel(c.member(i % 3));
        channels.add(ch);
        int client = i;
        SplittableRandom random = new SplittableRandom(seed + i);
        Thread t = new Thread(() -> runClient(client, ch, random, history, stop), "client-" + i);
        t.start();
        clients.add(t);
      }
      SplittableRandom nemesis = new SplittableRandom(seed ^ 0x5eed);
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      try {
        while (System.nanoTime() < end) {
          Thread.sleep(1_000 + nemesis.nextInt(1_500));
          MemberProcess victim = c.member(nemesis.nextInt(3));
          if (nemesis.nextBoolean()) {
            victim.kill9();
            Thread.sleep(500 + nemesis.nextInt(1_500));
            victim.restart().awaitReady(Duration.ofSeconds(60));
          } else {
            victim.sendSignal("STOP");
            Thread.sleep(1_200 + nemesis.nextInt(1_500));
            victim.sendSignal("CONT");
          }
        }
      } finally {
        stop.set(true);
        for (Thread t : clients) {
          t.join(30_000);
        }
        channels.forEach(Clients::close);
      }
    }
    System.out.println("linearizability: " + history.size() + " operations");
    LinearizabilityChecker.assertLinearizable(history.history());
  }

  private static void runClient(int client, ManagedChannel ch, SplittableRandom random,
      HistoryRecorder history, AtomicBoolean stop) {
    KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(ch);
    for (int n = 0; !stop.get(); n++) {
      String key = KEYS[random.nextInt(KEYS.length)];
      String value = "c" + client + "-" + n;
      int kind = random.nextInt(10);
      Op op = kind < 3 ? Op.put(key, value)
          : kind < 6 ? Op.get(key)
          : kind < 7 ? Op.delete(key)
          : Op.cas(key, random.nextBoolean() ? null : "c" + random.nextInt(6) + "-"
              + Math.max(0, n - 1 - random.nextInt(3)), value);
      long id = history.invoke(client, op);
      KVGrpc.KVBlockingStub stub = kv.withDeadlineAfter(2, TimeUnit.SECONDS);
      try {
        history.ok(id, execute(stub, op));
      } catch (StatusRuntimeException e) {
        if (op instanceof Op.Get) {
          history.fail(id);
        } else {
          // A write that failed may still have been committed: its outcome is unknown.
          history.unknown(id);
        }
        if (e.getStatus().getCode() == Status.Code.UNAVAILABLE) {
          pause(50);
        }
      }
    }
  }

  private static Result execute(KVGrpc.KVBlockingStub kv, Op op) {
    ByteString key = ByteString.copyFromUtf8(op.key());
    if (op instanceof Op.Put p) {
      PutResponse r = kv.put(PutRequest.newBuilder().setKey(key)
          .setValue(ByteString.copyFromUtf8(p.value())).build());
      return Result.put(r.getHeader().getRevision());
    }
    if (op instanceof Op.Get) {
      RangeResponse r = kv.range(RangeRequest.newBuilder().setKey(key).build());
      if (r.getKvsCount() == 0) {
        return Result.notFound(r.getHeader().getRevision());
      }
      return Result.found(r.getHeader().getRevision(), r.getKvs(0).getValue().toStringUtf8(),
          r.getKvs(0).getModRevision());
    }
    if (op instanceof Op.Delete) {
      DeleteRangeResponse r = kv.deleteRange(DeleteRangeRequest.newBuilder().setKey(key).build());
      return Result.delete(r.getHeader().getRevision(), r.getDeleted());
    }
    Op.Cas cas = (Op.Cas) op;
    Compare cmp = cas.expectedValue() == null
        ? Compare.newBuilder().setKey(key).setTarget(Compare.CompareTarget.CREATE)
            .setResult(Compare.CompareResult.EQUAL).setCreateRevision(0).build()
        : Compare.newBuilder().setKey(key).setTarget(Compare.CompareTarget.VALUE)
            .setResult(Compare.CompareResult.EQUAL)
            .setValue(ByteString.copyFromUtf8(cas.expectedValue())).build();
    TxnResponse r = kv.txn(TxnRequest.newBuilder().addCompare(cmp)
        .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(key)
            .setValue(ByteString.copyFromUtf8(cas.newValue()))))
        .build());
    return r.getSucceeded()
        ? Result.casSucceeded(r.getHeader().getRevision())
        : Result.casFailed(r.getHeader().getRevision());
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
