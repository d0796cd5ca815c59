package io.cairn.console.core.keys;

import io.etcd.jetcd.ByteSequence;
import java.util.List;

/**
 * One page of a paged listing. {@code nextCursor} is the exclusive cursor for the next page (pass it
 * as {@code after}); {@code revision} is the revision the page was read at: pass it back so that the
 * following pages show the same snapshot.
 */
public record Page<T>(List<T> items, boolean more, ByteSequence nextCursor, long revision) {
  public Page {
    items = List.copyOf(items);
  }
}
