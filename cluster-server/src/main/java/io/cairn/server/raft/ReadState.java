package io.cairn.server.raft;

/**
 * Answer to a ReadIndex request: once the node has applied up to {@code index}, a read may be
 * served linearizably (Raft thesis §6.4). {@code context} identifies the request.
 */
public record ReadState(long index, byte[] context) {}
