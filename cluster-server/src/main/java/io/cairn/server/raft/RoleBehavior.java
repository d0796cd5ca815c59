package io.cairn.server.raft;

/**
 * What a role does on a tick and with a message that survived the term checks common to all
 * roles. The node swaps its behaviour on role change instead of subclassing.
 */
interface RoleBehavior {
  void tick(Raft r);

  void step(Raft r, Message m);
}
