/**
 * etcd's concurrency services, {@code v3lockpb.Lock} and {@code v3electionpb.Election}, served
 * over the member's own key space with the same keys, transactions and ordering as etcd's
 * client-side recipes: a contender's key is {@code name + "/" + hex(lease)}, and the contender
 * whose key has the smallest create revision under {@code name + "/"} holds the lock or leads.
 */
package io.cairn.server.concurrency;
