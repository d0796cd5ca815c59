package io.cairn.console.web.views.keys;

import com.vaadin.flow.component.Composite;
import com.vaadin.flow.component.treegrid.TreeGrid;
import com.vaadin.flow.data.provider.hierarchy.TreeData;
import com.vaadin.flow.data.provider.hierarchy.TreeDataProvider;
import io.cairn.console.core.keys.KeyspaceBrowser;
import io.cairn.console.core.keys.Page;
import io.cairn.console.core.keys.TreeNode;
import io.cairn.console.core.session.Failures;
import io.cairn.console.web.ui.UiTasks;
import io.etcd.jetcd.ByteSequence;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * The key tree: directories by separator, loaded a page at a time when opened, so a prefix with
 * 100,000 keys costs one range call of {@value #PAGE} keys, not the whole keyspace. Every page is
 * read at the revision the first one was read at.
 */
final class KeyTreePanel extends Composite<TreeGrid<TreeRow>> {
  static final int PAGE = 500;

  private final TreeData<TreeRow> data = new TreeData<>();
  private final TreeDataProvider<TreeRow> provider = new TreeDataProvider<>(data);
  private final Consumer<ByteSequence> onLeaf;
  private final LongConsumer onRevision;
  private KeyspaceBrowser browser;
  private long revision;

  KeyTreePanel(Consumer<ByteSequence> onLeaf, LongConsumer onRevision) {
    this.onLeaf = onLeaf;
    this.onRevision = onRevision;
    TreeGrid<TreeRow> grid = getContent();
    grid.setId("key-tree");
    grid.setDataProvider(provider);
    grid.addHierarchyColumn(TreeRow::label).setHeader("Key").setFlexGrow(1).setSortable(false);
    grid.setTooltipGenerator(TreeRow::fullKey);
    grid.setSizeFull();
    grid.addExpandListener(e -> e.getItems().forEach(this::expand));
    grid.addItemClickListener(e -> click(e.getItem()));
  }

  /** Shows the tree of {@code browser} at {@code atRevision} (0 = latest, pinned at the first page). */
  void show(KeyspaceBrowser browser, long atRevision) {
    this.browser = browser;
    this.revision = atRevision;
    data.clear();
    TreeRow loading = TreeRow.loading(null);
    data.addItem(null, loading);
    provider.refreshAll();
    load(null, ByteSequence.EMPTY, null);
  }

  long revision() {
    return revision;
  }

  private void expand(TreeRow row) {
    if (row.isDirectory() && !row.loaded()) {
      row.markLoaded();
      load(row, row.node().key(), null);
    }
  }

  private void click(TreeRow row) {
    if (row.isMore()) {
      data.removeItem(row);
      TreeRow loading = TreeRow.loading(row.parent());
      data.addItem(row.parent(), loading);
      provider.refreshAll();
      load(row.parent(), row.prefix(), row.cursor());
    } else if (row.isLeaf()) {
      onLeaf.accept(row.node().key());
    } else if (row.isDirectory()) {
      TreeGrid<TreeRow> grid = getContent();
      if (grid.isExpanded(row)) {
        grid.collapse(row);
      } else {
        grid.expand(row);
      }
    }
  }

  /** Loads one page of the children of {@code prefix} under {@code parent} (null = root). */
  private void load(TreeRow parent, ByteSequence prefix, ByteSequence after) {
    KeyspaceBrowser b = browser;
    UiTasks.deliver(getContent(), b.children(prefix, revision, after, PAGE),
        page -> {
          if (b != browser) {
            return; // the tree was reloaded meanwhile
          }
          fill(parent, prefix, page);
        },
        error -> {
          removeLoading(parent);
          TreeRow failed = TreeRow.failed(parent, Failures.describe(error));
          data.addItem(parent, failed);
          provider.refreshAll();
        });
  }

  private void fill(TreeRow parent, ByteSequence prefix, Page<TreeNode> page) {
    if (revision == 0) {
      revision = page.revision();
      onRevision.accept(revision);
    }
    removeLoading(parent);
    for (TreeNode n : page.items()) {
      TreeRow row = TreeRow.entry(parent, n);
      data.addItem(parent, row);
      if (n.directory()) {
        data.addItem(row, TreeRow.loading(row));
      }
    }
    if (page.more()) {
      data.addItem(parent, TreeRow.more(parent, prefix, page.nextCursor()));
    }
    if (parent == null && page.items().isEmpty()) {
      data.addItem(null, TreeRow.empty());
    }
    provider.refreshAll();
  }

  private void removeLoading(TreeRow parent) {
    for (TreeRow child : java.util.List.copyOf(data.getChildren(parent))) {
      if (child.isPlaceholder()) {
        data.removeItem(child);
      }
    }
  }
}
