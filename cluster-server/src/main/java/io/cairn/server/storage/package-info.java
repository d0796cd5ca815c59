/**
 * LMDB storage of a member.
 *
 * <h2>On-disk layout</h2>
 *
 * <pre>
 * &lt;data-dir&gt;/
 *   member/lock            exclusive lock held by the running member
 *   member/lmdb/data.mdb   one LMDB environment (copy-on-write B+trees; every commit fsyncs)
 *   member/lmdb/lock.mdb   LMDB's reader table
 * </pre>
 *
 * <p>Named databases in the environment (see {@link io.cairn.server.storage.Schema}):
 *
 * <ul>
 *   <li>{@code meta}: member-wide values, 8-byte big-endian longs: {@code consistent_index} (the
 *       last applied log index), {@code current_revision}, {@code scheduled_compact_rev}, {@code
 *       finished_compact_rev}, {@code cluster_id}, {@code member_id}, {@code term}.
 *   <li>{@code key}: the MVCC rows, keyed by revision (see {@link io.cairn.server.mvcc}).
 * </ul>
 *
 * <h2>Atomicity</h2>
 *
 * Every batch of applied entries is one LMDB write transaction containing both the rows it wrote
 * and the new {@code consistent_index} and {@code current_revision}. LMDB commits are atomic and
 * durable (fsync before {@code commit()} returns), so after a crash the store is exactly as of
 * some committed batch: never half a request, never a revision without its data, never data
 * without its index.
 *
 * <h2>Worked example</h2>
 *
 * A fresh member (revision 1) applies {@code put foo=bar} as log entry 1 and {@code put foo=baz}
 * and {@code del foo} as entries 2 and 3 in one batch. After the second commit:
 *
 * <pre>
 * meta: consistent_index=3  current_revision=4
 * key:  (2,0)   → {key:foo value:bar create:2 mod:2 version:1}
 *       (3,0)   → {key:foo value:baz create:2 mod:3 version:2}
 *       (4,0)t  → {key:foo mod:4}                         (tombstone)
 * </pre>
 *
^ * If the process dies during the second commit, the file still reads {@code consistent_index=1
 * current_revision=2}: entries 2 and 3 were never acknowledged to their clients, and a replicated
 * log applies them again on restart.
 */
package io.cairn.server.storage;
