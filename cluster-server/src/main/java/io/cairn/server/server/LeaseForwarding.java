package io.cairn.server.server;

import io.cairn.server.errors.EtcdError;
import io.cairn.server.cluster.Peers;
import io.cairn.server.lease.Lease;
import io.cairn.server.lease.Lessor;
import io.cairn.server.transport.PeerCallException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Lease renewals (LeaseKeepAlive) and time-to-live answered by the leader: it alone keeps lease
 * deadlines (a follower's clock must never expire a lease), so a follower forwards both with a
 * peer call and the leader answers it here.
 */
final class LeaseForwarding {
  static final String CALL_RENEW = "lease-renew";
  static final String CALL_TTL = "lease-ttl";

  private final RaftDriver driver;
  private final Lessor lessor;
  private final Peers peers;
  private final long timeoutMillis;

  LeaseForwarding(RaftDriver driver, Lessor lessor, Peers peers, long timeoutMillis) {
    this.driver = driver;
    this.lessor = lessor;
    this.peers = peers;
    this.timeoutMillis = timeoutMillis;
  }

  /** Renews a lease; completes with the TTL granted, or 0 when the lease does not exist. */
  CompletableFuture<Long> renew(long id) {
    if (driver.isLeader()) {
      return CompletableFuture.completedFuture(lessor.keepAlive(id));
    }
    return askLeader(CALL_RENEW, id);
  }

  /** Seconds left on a lease by the leader's clock; -1 when it does not exist. */
  CompletableFuture<Long> remaining(long id) {
    if (driver.isLeader()) {
      return CompletableFuture.completedFuture(remainingHere(id));
    }
    return askLeader(CALL_TTL, id);
  }

  /** The leader's answer to a forwarded {@link #CALL_RENEW} or {@link #CALL_TTL}. */
  CompletableFuture<byte[]> answer(String method, byte[] request) {
    if (!driver.isLeader()) {
      return CompletableFuture.failedFuture(EtcdError.NOT_LEADER.exception());
    }
    long id = ByteBuffer.wrap(request).getLong();
    long value = method.equals(CALL_RENEW) ? lessor.keepAlive(id) : remainingHere(id);
    return CompletableFuture.completedFuture(ByteBuffer.allocate(8).putLong(value).array());
  }

  private long remainingHere(long id) {
    Lease l = lessor.get(id);
    return l == null ? -1 : lessor.remainingSeconds(l);
  }

  private CompletableFuture<Long> askLeader(String method, long id) {
    long leader = driver.leader();
    if (leader == 0) {
      return CompletableFuture.failedFuture(EtcdError.NO_LEADER.exception());
    }
    return peers.call(leader, method, ByteBuffer.allocate(8).putLong(id).array(), timeoutMillis)
        .handle((b, e) -> {
          if (e == null) {
            return ByteBuffer.wrap(b).getLong();
          }
          Throwable c = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
          throw c instanceof PeerCallException
              ? EtcdError.fromMessage(c.getMessage())
              : EtcdError.TIMEOUT_DUE_TO_CONNECTION_LOST.exception();
        });
  }
}
