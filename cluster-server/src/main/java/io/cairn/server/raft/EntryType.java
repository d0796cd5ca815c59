package io.cairn.server.raft;

/** What an entry's payload is: application data, or an encoded {@link ConfChange}. */
public enum EntryType {
  DATA,
  CONF_CHANGE
}
