/**
 * Snapshots: backup, inspection, restore, and the consistency hashes.
 *
 * <h2>Snapshot file format</h2>
 *
 * <pre>
 * [ LMDB data file: the member's whole environment, compacted copy ][ SHA-256 of it: 32 bytes ]
 * </pre>
 *
 * The database part is what {@code mdb_env_copy2(MDB_CP_COMPACT)} writes from one read
 * transaction: every named database (meta, key, lease, auth, ...) as of one committed batch. Its
 * length is a multiple of the LMDB page size (4096), hence of 512, so a reader recognises the
 * trailer as etcd's tools do: {@code length % 512 == 32}. {@code etcdctl snapshot save} writes
 * the concatenated blobs of {@code Maintenance.Snapshot} to the file unchanged.
 *
 * <h2>Pieces</h2>
 *
 * <ul>
 *   <li>{@link io.cairn.server.snapshot.SnapshotWriter}: the consistent copy, into {@code
 *       <data-dir>/member/snapshot.tmp/}; {@link io.cairn.server.snapshot.DbSnapshot} streams it
 *       with its trailer and deletes it when closed.
 *   <li>{@link io.cairn.server.snapshot.SnapshotStreamer}: the {@code Maintenance.Snapshot}
 *       handler, flow-controlled, 32 KiB messages, the SHA-256 in a last message of its own.
 *   <li>{@link io.cairn.server.snapshot.KvHasher}: {@code Hash} and {@code HashKV}, equal to
 *       etcd's numbers for the same history.
 *   <li>{@link io.cairn.server.snapshot.SnapshotFile}, {@link
 *       io.cairn.server.snapshot.SnapshotStatus}, {@link io.cairn.server.snapshot.SnapshotRestore}
 *       and {@link io.cairn.server.snapshot.SnapshotCommand}: {@code cairn snapshot status} and
 *       {@code cairn snapshot restore}.
 * </ul>
 *
 * <h2>Restored members</h2>
 *
 * A restore keeps every table and rewrites only what names the old cluster: member and cluster
 * IDs (from the new initial cluster and token), term 0, and {@code consistent_index} 0. The last
 * one assumes the restored member's log starts empty, so its first entry is index 1 and nothing
 * is skipped as "already applied".
 */
package io.cairn.server.snapshot;
