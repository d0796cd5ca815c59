package io.cairn.server.server;

import io.cairn.server.apply.Command;
import java.util.concurrent.CompletableFuture;

/** A command waiting to be committed and applied, and the future its client waits on. */
record Proposal(Command command, CompletableFuture<Object> result) {}
