package io.cairn.server.raft;

/** Volatile state worth telling the driver about when it changes; never persisted. */
public record SoftState(long leader, Role role) {}
