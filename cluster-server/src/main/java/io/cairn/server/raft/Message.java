package io.cairn.server.raft;

import java.util.List;

/**
 * A Raft message. Which fields matter depends on the type:
 *
 * <ul>
 *   <li>APP: {@code index}/{@code logTerm} name the entry preceding {@code entries}; {@code commit}
 *       is the leader's commit index.
 *   <li>APP_RESP: on success {@code index} is the follower's last matching index; on rejection
 *       {@code index} echoes the probe and {@code rejectHint}/{@code logTerm} point at where the
 *       follower's log could match (fast backtracking).
 *   <li>VOTE / PRE_VOTE: {@code index}/{@code logTerm} describe the candidate's last entry.
 *   <li>HEARTBEAT / HEARTBEAT_RESP / READ_INDEX / READ_INDEX_RESP: {@code context} carries the
 *       read request's id.
 * </ul>
 *
 * A message with term 0 is local to the node (never sent on the wire).
 */
public record Message(
    MessageType type,
    long from,
    long to,
    long term,
    long logTerm,
    long index,
    List<Entry> entries,
    long commit,
    boolean reject,
    long rejectHint,
    Snapshot snapshot,
    byte[] context) {
  private static final byte[] EMPTY = new byte[0];

  public Message {
    entries = entries == null ? List.of() : List.copyOf(entries);
    context = context == null ? EMPTY : context;
  }

  public static Builder builder(MessageType type) {
    return new Builder(type);
  }

  public Builder toBuilder() {
    Builder b = new Builder(type);
    b.from = from;
    b.to = to;
    b.term = term;
    b.logTerm = logTerm;
    b.index = index;
    b.entries = entries;
    b.commit = commit;
    b.reject = reject;
    b.rejectHint = rejectHint;
    b.snapshot = snapshot;
    b.context = context;
    return b;
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    b.append(from).append("->").append(to).append(' ').append(type).append(" t").append(term);
    if (logTerm != 0 || index != 0) {
      b.append(" logTerm=").append(logTerm).append(" index=").append(index);
    }
    if (!entries.isEmpty()) {
      b.append(" entries=").append(entries);
    }
    if (commit != 0) {
      b.append(" commit=").append(commit);
    }
    if (reject) {
      b.append(" reject hint=").append(rejectHint);
    }
    if (snapshot != null) {
      b.append(' ').append(snapshot);
    }
    if (context.length > 0) {
      b.append(" ctx=").append(context.length).append('b');
    }
    return b.toString();
  }

  /** Mutable assembly of a message; the record itself stays immutable. */
  public static final class Builder {
    private final MessageType type;
    private long from;
    private long to;
    private long term;
    private long logTerm;
    private long index;
    private List<Entry> entries = List.of();
    private long commit;
    private boolean reject;
    private long rejectHint;
    private Snapshot snapshot;
    private byte[] context;

    private Builder(MessageType type) {
      this.type = type;
    }

    public Builder from(long v) {
      from = v;
      return this;
    }

    public Builder to(long v) {
      to = v;
      return this;
    }

    public Builder term(long v) {
      term = v;
      return this;
    }

    public Builder logTerm(long v) {
      logTerm = v;
      return this;
    }

    public Builder index(long v) {
      index = v;
      return this;
    }

    public Builder entries(List<Entry> v) {
      entries = v;
      return this;
    }

    public Builder commit(long v) {
      commit = v;
      return this;
    }

    public Builder reject(boolean v) {
      reject = v;
      return this;
    }

    public Builder rejectHint(long v) {
      rejectHint = v;
      return this;
    }

    public Builder snapshot(Snapshot v) {
      snapshot = v;
      return this;
    }

    public Builder context(byte[] v) {
      context = v;
      return this;
    }

    public Message build() {
      return new Message(
          type, from, to, term, logTerm, index, entries, commit, reject, rejectHint, snapshot,
          context);
    }
  }
}
