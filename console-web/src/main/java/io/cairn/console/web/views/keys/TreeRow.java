package io.cairn.console.web.views.keys;

import io.cairn.console.core.keys.TreeNode;
import io.cairn.console.web.ui.Keys;
import io.etcd.jetcd.ByteSequence;

/**
 * A row of the key tree: a key or directory, or one of the rows that stand for what is not loaded
 * yet ("loading…", "load more"). Identity-based: two rows are never equal, so the tree can hold the
 * same label twice while a page is being replaced.
 */
final class TreeRow {
  private enum Kind { ENTRY, LOADING, MORE, FAILED, EMPTY }

  private final Kind kind;
  private final TreeRow parent;
  private final TreeNode node;
  private final ByteSequence prefix;
  private final ByteSequence cursor;
  private final String text;
  private boolean loaded;

  private TreeRow(Kind kind, TreeRow parent, TreeNode node, ByteSequence prefix, ByteSequence cursor,
      String text) {
    this.kind = kind;
    this.parent = parent;
    this.node = node;
    this.prefix = prefix;
    this.cursor = cursor;
    this.text = text;
  }

  static TreeRow entry(TreeRow parent, TreeNode node) {
    return new TreeRow(Kind.ENTRY, parent, node, null, null, null);
  }

  static TreeRow loading(TreeRow parent) {
    return new TreeRow(Kind.LOADING, parent, null, null, null, "loading…");
  }

  static TreeRow more(TreeRow parent, ByteSequence prefix, ByteSequence cursor) {
    return new TreeRow(Kind.MORE, parent, null, prefix, cursor,
        "… more keys (next " + KeyTreePanel.PAGE + ")");
  }

  static TreeRow failed(TreeRow parent, String message) {
    return new TreeRow(Kind.FAILED, parent, null, null, null, "could not load: " + message);
  }

  static TreeRow empty() {
    return new TreeRow(Kind.EMPTY, null, null, null, null, "(no keys)");
  }

  String label() {
    return kind == Kind.ENTRY ? node.label() : text;
  }

  /** The full key, as a tooltip and for tests. */
  String fullKey() {
    return kind == Kind.ENTRY ? Keys.display(node.key()) : "";
  }

  TreeNode node() {
    return node;
  }

  TreeRow parent() {
    return parent;
  }

  ByteSequence prefix() {
    return prefix;
  }

  ByteSequence cursor() {
    return cursor;
  }

  boolean isDirectory() {
    return kind == Kind.ENTRY && node.directory();
  }

  boolean isLeaf() {
    return kind == Kind.ENTRY && !node.directory();
  }

  boolean isMore() {
    return kind == Kind.MORE;
  }

  boolean isPlaceholder() {
    return kind == Kind.LOADING;
  }

  boolean loaded() {
    return loaded;
  }

  void markLoaded() {
    loaded = true;
  }
}
