package io.cairn.server.server;

import io.cairn.server.util.DaemonThreads;
import io.cairn.server.apply.Command;
import io.cairn.server.lease.Lease;
import io.cairn.server.lease.Lessor;
import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.LeaseRevokeRequest;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The enforcing side of leases: picks IDs for new leases and revokes expired ones through the
 * log, so that expiry is decided by one member and applied by all.
 */
final class LeaseKeeper implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LeaseKeeper.class);

  private final Lessor lessor;
  private final Function<Command, CompletableFuture<Object>> propose;
  private final Set<Long> revoking = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          DaemonThreads.named("lease-expiry"));
  private final long idPrefix;
  private long lastId;

  private final java.util.function.BooleanSupplier isLeader;

  LeaseKeeper(Lessor lessor, long memberId, Function<Command, CompletableFuture<Object>> propose,
      java.util.function.BooleanSupplier isLeader) {
    this.isLeader = isLeader;
    this.lessor = lessor;
    this.propose = propose;
    // As etcd: the member's low 16 bits on top, a time-based counter below; always positive.
    this.idPrefix = (memberId & 0xffffL) << 48;
  }

  void start() {
    timer.scheduleWithFixedDelay(this::revokeExpired, 500, 500, TimeUnit.MILLISECONDS);
  }

  CompletableFuture<Object> grant(LeaseGrantRequest r) {
    LeaseGrantRequest withId = r.getID() != 0 ? r : r.toBuilder().setID(nextId()).build();
    return propose.apply(Command.of(Command.Kind.LEASE_GRANT, withId));
  }

  CompletableFuture<Object> revoke(long id) {
    return propose.apply(
        Command.of(Command.Kind.LEASE_REVOKE, LeaseRevokeRequest.newBuilder().setID(id).build()));
  }

  private synchronized long nextId() {
    long candidate = candidateId(idPrefix, System.currentTimeMillis(), lastId);
    while (lessor.exists(candidate)) {
      candidate = candidateId(idPrefix, 0, candidate);
    }
    lastId = candidate;
    return candidate;
  }

  /**
   * The next lease ID after {@code lastId}: the member prefix over a clock-based counter, kept
   * positive (etcd's IDs are int64 and clients print them as such) and increasing.
   */
  static long candidateId(long prefix, long nowMillis, long lastId) {
    long candidate = (prefix | ((nowMillis << 8) & 0xffff_ffff_ffffL)) & Long.MAX_VALUE;
    if (candidate <= lastId) {
      // Compare within the same member prefix: a negative prefix once made every ID look
      // smaller than 0 and IDs fell back to 1, 2, 3…
      candidate = lastId + 1;
    }
    return candidate == 0 ? 1 : candidate;
  }

  private void revokeExpired() {
    if (!isLeader.getAsBoolean()) {
      // Only the leader decides expiry; followers apply the revocations it proposes.
      return;
    }
    for (Lease l : lessor.expired()) {
      if (revoking.add(l.id())) {
        revoke(l.id())
            .whenComplete(
                (v, e) -> {
                  revoking.remove(l.id());
                  if (e == null) {
                    log.atInfo().addKeyValue("lease-id", Long.toHexString(l.id()))
                        .log("revoked expired lease");
                  }
                });
      }
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
