/**
 * Multi-version concurrency control: every change gets a revision, and reads at any retained
 * revision see the keyspace as it was.
 *
 * <h2>Revisions</h2>
 *
 * A revision is (main, sub). The main revision grows by one for each request that changes
 * something (a put, a delete that deletes, a transaction with writes); the sub revision numbers
 * the changes within that request. A fresh store is at main revision 1, as etcd's is.
 *
 * <h2>Rows</h2>
 *
 * The {@code key} database maps 16 bytes (main and sub, big-endian) to a serialized {@code
 * mvccpb.KeyValue}; a tombstone row has a 17th byte {@code 't'} and a KeyValue holding only the
 * key. Big-endian keys make LMDB's order the revision order.
 *
 * <h2>Key index</h2>
 *
 * In memory, {@link io.cairn.server.mvcc.KeyIndex} maps each user key to its {@link
 * io.cairn.server.mvcc.KeyHistory}: the revisions at which it changed, oldest first, each with
 * the key's create revision and version at that point. A run of puts ended by a tombstone is one
 * <em>generation</em>. The index is rebuilt at start-up by scanning the rows in revision order.
 *
 * <p>Example: {@code put a} at 2, {@code put a} at 3, {@code del a} at 4, {@code put a} at 5
 * gives the history
 *
 * <pre>
 * a: (2,0) c=2 v=1 | (3,0) c=2 v=2 | (4,0) tombstone | (5,0) c=5 v=1
 *    '------- generation 1 -------'                   '-- generation 2 --'
 * </pre>
 *
 * A read at revision 3 finds (3,0) and returns version 2; at 4 the newest entry is the tombstone,
 * so the key does not exist; at 5 it is back with create revision 5 and version 1.
 *
 * <h2>Compaction</h2>
 *
 * Compacting at revision C keeps, for each key, the newest entry at or below C (dropped too if it
 * is a tombstone) and everything above C. In the example, compaction at 4 leaves only {@code
 * (5,0)}; at 3 it leaves {@code (3,0) (4,0)t (5,0)}. The compact revision is recorded ({@code
 * scheduled_compact_rev}) in the same transaction as the request; rows are deleted afterwards in
 * batches, and {@code finished_compact_rev} recorded when done. A crash in between is repaired at
 * start-up by redoing the deletion.
 *
 * <h2>Concurrency</h2>
 *
 * One writer (the apply thread) and any number of readers. A batch's revisions become visible
 * only after its LMDB commit: readers read at most the published current revision, and every
 * {@link io.cairn.server.mvcc.KeyHistory} publishes appended entries through a volatile snapshot.
 */
package io.cairn.server.mvcc;
