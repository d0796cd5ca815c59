package io.cairn.server.mvcc;

import io.etcd.jetcd.api.Event;
import java.util.List;

/**
 * A stretch of the store's change history: the events found, oldest first, and the last revision
 * the stretch covers completely (a revision's events are never split between two stretches).
 */
public record History(List<Event> events, long lastRevision) {}
