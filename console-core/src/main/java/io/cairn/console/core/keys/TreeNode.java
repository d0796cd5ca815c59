package io.cairn.console.core.keys;

import io.etcd.jetcd.ByteSequence;

/**
 * One child in the keyspace tree. For a directory, {@code key} is the full prefix including the
 * trailing separator and {@code label} the last segment with the separator ({@code services/}); for a
 * leaf, the full key and its last segment. A key equal to the parent itself is a leaf labelled
 * {@link #ITSELF}.
 */
public record TreeNode(ByteSequence key, String label, boolean directory) {
  /** The label of a key that equals the prefix being listed (key {@code a/} under {@code a/}). */
  public static final String ITSELF = "(itself)";
}
