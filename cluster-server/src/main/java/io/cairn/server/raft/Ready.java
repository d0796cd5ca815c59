package io.cairn.server.raft;

import java.util.List;

/**
 * Work for the driver, to be done in this order before calling {@link RaftNode#advance}:
 *
 * <ol>
 *   <li>persist {@code snapshot} (if any), then {@code entries}, then {@code hardState} (if not
 *       null) — durably;
 *   <li>send {@code messages} (only now: they may promise what was just persisted, e.g. a vote
 *       or an append acknowledgement);
 *   <li>apply the snapshot (if any) and then {@code committedEntries} to the state machine,
 *       calling {@link RaftNode#applyConfChange} for conf-change entries;
 *   <li>serve reads whose {@code readStates} index has been applied.
 * </ol>
 *
 * @param softState new leader/role, or null if unchanged
 * @param hardState new hard state, or null if unchanged
 */
public record Ready(
    SoftState softState,
    HardState hardState,
    List<Entry> entries,
    Snapshot snapshot,
    List<Entry> committedEntries,
    List<Message> messages,
    List<ReadState> readStates) {

  public Ready {
    entries = List.copyOf(entries);
    committedEntries = List.copyOf(committedEntries);
    messages = List.copyOf(messages);
    readStates = List.copyOf(readStates);
  }

  /** Whether anything must reach disk before the messages may be sent. */
  public boolean mustSync() {
    return hardState != null || !entries.isEmpty() || snapshot != null;
  }
}
