package io.cairn.server.raft;

import java.util.ArrayList;
import java.util.List;

/**
 * The leader's side of ReadIndex (Raft thesis §6.4): wait for an entry of the current term to be
 * committed, record the commit index, confirm leadership with a heartbeat round, then answer.
 */
final class ReadIndexFlow {
  private ReadIndexFlow() {}

  static boolean committedEntryInCurrentTerm(Raft r) {
    return r.log.termOrZero(r.log.committed) == r.term;
  }

  static void releasePendingReadIndex(Raft r) {
    if (r.pendingReadIndex.isEmpty() || !committedEntryInCurrentTerm(r)) {
      return;
    }
    List<Message> queued = new ArrayList<>(r.pendingReadIndex);
    r.pendingReadIndex.clear();
    queued.forEach(req -> startReadIndex(r, req));
  }

  /** Records the read at the current commit index and starts a heartbeat round to confirm it. */
  static void startReadIndex(Raft r, Message req) {
    if (r.prs.config.voters().size() == 1 && r.prs.isVoter(r.id)) {
      respondReadIndex(r, req, r.log.committed);
      return;
    }
    r.readOnly.addRequest(r.log.committed, req);
    r.readOnly.recvAck(r.id, req.context());
    Replication.bcastHeartbeat(r);
  }

  static void respondReadIndex(Raft r, Message req, long index) {
    if (req.from() == 0 || req.from() == r.id) {
      r.readStates.add(new ReadState(index, req.context()));
    } else {
      r.send(
          Message.builder(MessageType.READ_INDEX_RESP)
              .to(req.from())
              .index(index)
              .context(req.context()));
    }
  }
}
