package io.cairn.server.raft;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The leader's side of log replication (Raft §5.3): appending proposals, advancing the commit
 * index (§5.4.2), and feeding each follower appends, heartbeats or a snapshot as its {@link
 * Progress} allows.
 */
final class Replication {
  private Replication() {}

  /** Appends entries of the current term as leader; the caller broadcasts. */
  static void appendEntries(Raft r, List<Entry> es) {
    long li = r.log.lastIndex();
    List<Entry> stamped = new ArrayList<>(es.size());
    long size = 0;
    for (int i = 0; i < es.size(); i++) {
      Entry e = es.get(i).withTermIndex(r.term, li + 1 + i);
      stamped.add(e);
      size += e.payloadSize();
    }
    if (r.cfg.maxUncommittedBytes() > 0
        && r.uncommittedSize > 0
        && size > 0
        && r.uncommittedSize + size > r.cfg.maxUncommittedBytes()) {
      throw new ProposalDroppedException(
          ProposalDroppedException.Reason.UNCOMMITTED_LIMIT_EXCEEDED, r.leader);
    }
    r.uncommittedSize += size;
    li = r.log.append(stamped);
    Progress self = r.prs.progress.get(r.id);
    if (self != null) {
      self.maybeUpdate(li);
    }
    maybeCommit(r);
  }

  static void reduceUncommittedSize(Raft r, List<Entry> applied) {
    long s = 0;
    for (Entry e : applied) {
      s += e.payloadSize();
    }
    r.uncommittedSize = Math.max(0, r.uncommittedSize - s);
  }

  static boolean maybeCommit(Raft r) {
    boolean advanced = r.log.maybeCommit(r.prs.committedIndex(), r.term);
    if (advanced) {
      ReadIndexFlow.releasePendingReadIndex(r);
    }
    return advanced;
  }

  static void bcastAppend(Raft r) {
    for (long peer : r.prs.progress.keySet()) {
      if (peer != r.id) {
        maybeSendAppend(r, peer, true);
      }
    }
  }

  static void bcastHeartbeat(Raft r) {
    byte[] ctx = r.readOnly.lastPendingContext();
    for (Map.Entry<Long, Progress> e : r.prs.progress.entrySet()) {
      if (e.getKey() == r.id) {
        continue;
      }
      // Never tell a follower to commit past what it is known to hold.
      long commit = Math.min(e.getValue().match, r.log.committed);
      r.send(
          Message.builder(MessageType.HEARTBEAT).to(e.getKey()).commit(commit).context(ctx));
    }
  }

  /**
   * Sends the next append to a peer if its flow control allows, falling back to a snapshot when
   * the entries it needs are compacted. With {@code sendIfEmpty} false, nothing is sent when there
   * are no new entries. Returns whether a message was sent.
   */
  static boolean maybeSendAppend(Raft r, long to, boolean sendIfEmpty) {
    Progress pr = r.prs.progress.get(to);
    if (pr == null || pr.isPaused()) {
      return false;
    }
    long prevIndex = pr.next - 1;
    long prevTerm;
    List<Entry> ents;
    try {
      prevTerm = r.log.term(prevIndex);
      ents = r.log.entriesFrom(pr.next, r.cfg.maxSizePerMsg());
    } catch (StorageException e) {
      if (e.reason() != StorageException.Reason.COMPACTED) {
        throw new IllegalStateException("progress of " + to + " beyond our r.log: " + pr, e);
      }
      return maybeSendSnapshot(r, to, pr);
    }
    if (ents.isEmpty() && !sendIfEmpty) {
      return false;
    }
    r.send(
        Message.builder(MessageType.APP)
            .to(to)
            .index(prevIndex)
            .logTerm(prevTerm)
            .entries(ents)
            .commit(r.log.committed));
    pr.sentEntries(ents.isEmpty() ? prevIndex : ents.get(ents.size() - 1).index(), !ents.isEmpty());
    return true;
  }

  private static boolean maybeSendSnapshot(Raft r, long to, Progress pr) {
    if (!pr.recentActive) {
      // Snapshots are expensive; do not stream one to a peer that may be down.
      return false;
    }
    Snapshot s;
    try {
      s = r.log.snapshot();
    } catch (StorageException e) {
      if (e.reason() == StorageException.Reason.SNAPSHOT_TEMPORARILY_UNAVAILABLE) {
        return false;
      }
      throw e;
    }
    if (s.isEmpty()) {
      throw new IllegalStateException("entries compacted but no snapshot to send");
    }
    pr.becomeSnapshot(s.index());
    r.send(Message.builder(MessageType.SNAP).to(to).snapshot(s));
    return true;
  }

  static void sendTimeoutNow(Raft r, long to) {
    r.send(Message.builder(MessageType.TIMEOUT_NOW).to(to));
  }
}
