package io.cairn.server.concurrency;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.lock.LockRequest;
import io.etcd.jetcd.api.lock.LockResponse;
import io.etcd.jetcd.api.lock.UnlockRequest;
import io.etcd.jetcd.api.lock.UnlockResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LockServiceTest {
  @TempDir Path dir;
  private Member m;

  @BeforeEach
  void start() throws Exception {
    m = new Member(dir);
  }

  @AfterEach
  void stop() {
    m.close();
  }

  private Recorder<LockResponse> lock(String name, long lease) {
    Recorder<LockResponse> r = new Recorder<>();
    m.lock.lock(
        LockRequest.newBuilder().setName(ByteString.copyFromUtf8(name)).setLease(lease).build(), r);
    return r;
  }

  private UnlockResponse unlock(ByteString key) {
    Recorder<UnlockResponse> r = new Recorder<>();
    m.lock.unlock(UnlockRequest.newBuilder().setKey(key).build(), r);
    return r.answer();
  }

  @Test
  void uncontendedLockIsTheLeaseKey() {
    long lease = m.grant(60);
    LockResponse r = lock("l", lease).answer();
    assertThat(r.getKey().toStringUtf8()).isEqualTo("l/" + Long.toHexString(lease));
    KeyValue kv = m.get(r.getKey());
    assertThat(kv.getLease()).isEqualTo(lease);
    assertThat(kv.getValue().isEmpty()).isTrue();
    assertThat(r.getHeader().getRevision()).isEqualTo(kv.getCreateRevision());
    assertThat(r.getHeader().getClusterId()).isEqualTo(m.server.clusterId());
    assertThat(r.getHeader().getMemberId()).isEqualTo(m.server.memberId());
  }

  @Test
  void secondContenderWaitsForTheFirstToUnlock() throws Exception {
    long a = m.grant(60);
    long b = m.grant(60);
    LockResponse first = lock("l", a).answer();
    Recorder<LockResponse> second = lock("l", b);
    second.stillWaiting(150);
    // Another name is independent.
    lock("other", b).answer();
    UnlockResponse u = unlock(first.getKey());
    assertThat(m.get(first.getKey())).isNull();
    LockResponse got = second.answer();
    assertThat(got.getKey().toStringUtf8()).isEqualTo("l/" + Long.toHexString(b));
    assertThat(got.getHeader().getRevision()).isGreaterThanOrEqualTo(u.getHeader().getRevision());
  }

  @Test
  void contendersGetTheLockInTheOrderTheyAsked() throws Exception {
    long a = m.grant(60);
    long b = m.grant(60);
    long c = m.grant(60);
    LockResponse first = lock("q", a).answer();
    Recorder<LockResponse> second = lock("q", b);
    second.stillWaiting(50);
    Recorder<LockResponse> third = lock("q", c);
    third.stillWaiting(100);
    assertThat(second.result).isNotDone();
    unlock(first.getKey());
    LockResponse s = second.answer();
    third.stillWaiting(100);
    unlock(s.getKey());
    assertThat(third.answer().getKey().toStringUtf8()).endsWith(Long.toHexString(c));
  }

  @Test
  void lockingAgainUnderTheSameLeaseReturnsTheHeldLock() {
    long a = m.grant(60);
    LockResponse first = lock("l", a).answer();
    LockResponse again = lock("l", a).answer();
    assertThat(again.getKey()).isEqualTo(first.getKey());
  }

  @Test
  void unknownLeaseFails() {
    StatusRuntimeException e = lock("l", 0x1234).error();
    // As etcd's Lock service sends it: its text, code Unknown.
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNKNOWN);
    assertThat(e.getStatus().getDescription()).isEqualTo("etcdserver: requested lease not found");
    assertThat(m.get(ByteString.copyFromUtf8("l/1234"))).isNull();
  }

  @Test
  void revokedLeaseWhileWaitingFailsAndLeavesTheHolderAlone() throws Exception {
    long a = m.grant(60);
    long b = m.grant(60);
    LockResponse first = lock("l", a).answer();
    Recorder<LockResponse> second = lock("l", b);
    second.stillWaiting(100);
    m.revoke(b);
    StatusRuntimeException e = second.error();
    assertThat(e.getStatus().getDescription()).isEqualTo("etcdserver: requested lease not found");
    assertThat(m.get(first.getKey())).isNotNull();
  }

  @Test
  void expiredLeaseWhileWaitingFails() throws Exception {
    long a = m.grant(60);
    long b = m.grant(1);
    lock("l", a).answer();
    Recorder<LockResponse> second = lock("l", b);
    StatusRuntimeException e = second.error();
    assertThat(e.getStatus().getDescription()).isEqualTo("etcdserver: requested lease not found");
  }

  @Test
  void keyDeletedWhileWaitingFailsAsALostSession() throws Exception {
    long a = m.grant(60);
    long b = m.grant(60);
    lock("l", a).answer();
    Recorder<LockResponse> second = lock("l", b);
    second.stillWaiting(100);
    unlock(ByteString.copyFromUtf8("l/" + Long.toHexString(b)));
    StatusRuntimeException e = second.error();
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNKNOWN);
    assertThat(e.getStatus().getDescription()).isEqualTo(LockService.SESSION_EXPIRED);
  }

  @Test
  void cancelledWaiterRemovesItsKey() throws Exception {
    long a = m.grant(60);
    long b = m.grant(60);
    LockResponse first = lock("l", a).answer();
    Recorder<LockResponse> second = lock("l", b);
    ByteString key = ByteString.copyFromUtf8("l/" + Long.toHexString(b));
    second.stillWaiting(100);
    assertThat(m.awaitKey(key, true)).isTrue();
    second.cancel();
    assertThat(m.awaitKey(key, false)).isTrue();
    assertThat(m.get(first.getKey())).isNotNull();
    assertThat(m.poller.size()).isZero();
  }

  @Test
  void leaseZeroLocksUnderANewLease() {
    LockResponse r = lock("z", 0).answer();
    KeyValue kv = m.get(r.getKey());
    assertThat(kv.getLease()).isNotZero();
    assertThat(r.getKey().toStringUtf8()).isEqualTo("z/" + Long.toHexString(kv.getLease()));
    assertThat(m.server.lessor().get(kv.getLease()).ttlSeconds()).isEqualTo(60);
  }

  @Test
  void unlockWithoutKeyIsRefused() {
    Recorder<UnlockResponse> r = new Recorder<>();
    m.lock.unlock(UnlockRequest.getDefaultInstance(), r);
    assertThat(r.error().getStatus().getDescription()).isEqualTo("etcdserver: key is not provided");
  }

  @Test
  void hexOfLeaseIsGoHex() {
    assertThat(Keys.hex(255)).isEqualTo("ff");
    assertThat(Keys.hex(-255)).isEqualTo("-ff");
    assertThat(Keys.hex(Long.MIN_VALUE)).isEqualTo("-8000000000000000");
    assertThat(Keys.prefixEnd(ByteString.copyFromUtf8("a/")))
        .isEqualTo(ByteString.copyFromUtf8("a0"));
  }
}
