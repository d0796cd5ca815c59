package io.cairn.server.raft;

/** What {@link Storage#initialState()} returns: the persisted hard state and membership. */
public record HardStateAndConf(HardState hardState, ConfState confState) {}
