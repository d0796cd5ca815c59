package io.cairn.console.core.keys;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Browses the keyspace as a tree (keys split on a separator) or as a flat list, page by page, without
 * ever loading more than a page's worth of keys: every read is a {@code keys_only} range with a limit,
 * and a directory met in a batch is skipped by moving the range start past its prefix end rather than
 * by reading its keys. Every method is asynchronous; none blocks the calling thread.
 *
 * <p>Revision 0 means "the latest"; each page reports the revision it was read at so that later
 * pages can be pinned to the same snapshot.
 */
public final class KeyspaceBrowser {
  /** Upper bound of keys fetched by one range call, whatever the page size. */
  static final int MAX_BATCH = 1000;
  /** Upper bound of a page, so that a caller cannot ask for the whole keyspace at once. */
  public static final int MAX_PAGE = 10_000;

  private final KV kv;
  private final byte[] separator;
  private final AtomicLong rangeCalls = new AtomicLong();

  public KeyspaceBrowser(Client client, String separator) {
    this.kv = Objects.requireNonNull(client, "client").getKVClient();
    if (separator == null || separator.isEmpty()) {
      throw new IllegalArgumentException("the separator must not be empty");
    }
    this.separator = separator.getBytes(StandardCharsets.UTF_8);
  }

  /** etcd's prefix end of {@code p}: every key starting with {@code p} sorts below it. */
  public static ByteSequence prefixEnd(ByteSequence p) {
    return KeyBytes.seq(KeyBytes.prefixEnd(p.getBytes()));
  }

  /** How many range requests this browser has sent (diagnostics: a page should cost a few). */
  public long rangeCalls() {
    return rangeCalls.get();
  }

  /**
   * The direct children of {@code parent} (empty = the root), directories collapsed, in key order.
   * {@code after} is the exclusive cursor ({@code null} = from the start): a page's
   * {@code nextCursor}.
   */
  public CompletableFuture<Page<TreeNode>> children(
      ByteSequence parent, long revision, ByteSequence after, int limit) {
    byte[] p = parent == null ? new byte[0] : parent.getBytes();
    byte[] start;
    if (after == null) {
      start = p.length == 0 ? KeyBytes.ALL.clone() : p;
    } else {
      start = cursorAfterChild(p, after.getBytes());
    }
    byte[] end = p.length == 0 ? KeyBytes.ALL.clone() : KeyBytes.prefixEnd(p);
    return new ChildrenWalk(p, end, checkLimit(limit), revision).from(start);
  }

  /** Where the range resumes after child {@code after}: past the whole directory for a directory. */
  private byte[] cursorAfterChild(byte[] parent, byte[] after) {
    boolean directory = after.length > parent.length && KeyBytes.endsWith(after, separator);
    return directory ? KeyBytes.prefixEnd(after) : KeyBytes.successor(after);
  }

  /** The number of keys under {@code prefix} (empty = all keys) at {@code revision} (0 = latest). */
  public CompletableFuture<Long> count(ByteSequence prefix, long revision) {
    byte[] p = prefix == null ? new byte[0] : prefix.getBytes();
    return range(startOf(p), endOf(p), revision, GetOption.builder().withCountOnly(true))
        .thenApply(GetResponse::getCount);
  }

  /**
   * The flat list of keys under {@code prefix} (empty = all keys), {@code limit} at a time. Read with
   * {@code keys_only}: each {@link KeyDetails} has its revisions, version and lease but an empty
   * value (fetch the value with {@link #get}).
   */
  public CompletableFuture<Page<KeyDetails>> list(
      ByteSequence prefix, long revision, ByteSequence after, int limit) {
    byte[] p = prefix == null ? new byte[0] : prefix.getBytes();
    byte[] start = after == null ? startOf(p) : KeyBytes.successor(after.getBytes());
    int n = checkLimit(limit);
    GetOption.Builder options = GetOption.builder().withKeysOnly(true).withLimit(n);
    return range(start, endOf(p), revision, options).thenApply(r -> {
      List<KeyDetails> items = new ArrayList<>(r.getKvs().size());
      r.getKvs().forEach(kv -> items.add(KeyDetails.of(kv)));
      ByteSequence next = items.isEmpty() ? after : items.get(items.size() - 1).key();
      return new Page<>(items, r.isMore(), next, readAt(revision, r));
    });
  }

  /** One key with its value at {@code revision} (0 = latest), or empty when it does not exist. */
  public CompletableFuture<Optional<KeyDetails>> get(ByteSequence key, long revision) {
    GetOption.Builder options = GetOption.builder();
    if (revision > 0) {
      options.withRevision(revision);
    }
    rangeCalls.incrementAndGet();
    return kv.get(key, options.build())
        .thenApply(r -> r.getKvs().stream().findFirst().map(KeyDetails::of));
  }

  /** Puts {@code value} (with {@code leaseId}, 0 = none); returns the revision of the write. */
  public CompletableFuture<Long> put(ByteSequence key, ByteSequence value, long leaseId) {
    PutOption.Builder options = PutOption.builder();
    if (leaseId != 0) {
      options.withLeaseId(leaseId);
    }
    return kv.put(key, value, options.build()).thenApply(r -> r.getHeader().getRevision());
  }

  /** How many keys a {@link #delete} with the same arguments would remove now. */
  public CompletableFuture<Long> countPrefix(ByteSequence key, boolean prefix) {
    if (prefix) {
      return count(key, 0);
    }
    return range(key.getBytes(), null, 0, GetOption.builder().withCountOnly(true))
        .thenApply(GetResponse::getCount);
  }

  /** Deletes {@code key}, or every key starting with it; returns how many keys were deleted. */
  public CompletableFuture<Long> delete(ByteSequence key, boolean prefix) {
    DeleteOption.Builder options = DeleteOption.builder();
    if (prefix) {
      byte[] p = key.getBytes();
      if (p.length == 0) {
        throw new IllegalArgumentException("refusing to delete with an empty prefix");
      }
      options.withRange(KeyBytes.seq(KeyBytes.prefixEnd(p)));
    }
    return kv.delete(key, options.build()).thenApply(r -> r.getDeleted());
  }

  private static byte[] startOf(byte[] prefix) {
    return prefix.length == 0 ? KeyBytes.ALL.clone() : prefix;
  }

  private static byte[] endOf(byte[] prefix) {
    return prefix.length == 0 ? KeyBytes.ALL.clone() : KeyBytes.prefixEnd(prefix);
  }

  private static int checkLimit(int limit) {
    if (limit < 1 || limit > MAX_PAGE) {
      throw new IllegalArgumentException("limit must be within 1.." + MAX_PAGE + ": " + limit);
    }
    return limit;
  }

  /** The revision a response was read at: the pinned one, or the header's for "latest". */
  private static long readAt(long requested, GetResponse r) {
    return requested > 0 ? requested : r.getHeader().getRevision();
  }

  private CompletableFuture<GetResponse> range(
      byte[] start, byte[] end, long revision, GetOption.Builder options) {
    if (end != null) {
      options.withRange(KeyBytes.seq(end));
    }
    if (revision > 0) {
      options.withRevision(revision);
    }
    rangeCalls.incrementAndGet();
    return kv.get(KeyBytes.seq(start), options.build());
  }

  /**
   * One {@link #children} page: batches of keys are folded into children; when a batch ends inside
   * a directory the next batch starts at that directory's prefix end. Each batch yields at least one
   * new child, so a page costs at most {@code limit + 2} range calls, usually one or two.
   */
  private final class ChildrenWalk {
    private final byte[] parent;
    private final byte[] end;
    private final int limit;
    private final List<TreeNode> items = new ArrayList<>();
    private long revision;

    ChildrenWalk(byte[] parent, byte[] end, int limit, long revision) {
      this.parent = parent;
      this.end = end;
      this.limit = limit;
      this.revision = revision;
    }

    CompletableFuture<Page<TreeNode>> from(byte[] start) {
      // One key more than the page needs, so that "more" is known without another call.
      int batch = Math.min(MAX_BATCH, limit - items.size() + 1);
      GetOption.Builder options = GetOption.builder().withKeysOnly(true).withLimit(batch);
      return range(start, end, revision, options).thenCompose(r -> {
        revision = readAt(revision, r);
        byte[] resume = null;
        byte[] skipBelow = null;
        for (var kv : r.getKvs()) {
          byte[] key = kv.getKey().getBytes();
          if (skipBelow != null && Arrays.compareUnsigned(key, skipBelow) < 0) {
            continue;
          }
          if (items.size() == limit) {
            return CompletableFuture.completedFuture(page(true));
          }
          TreeNode child = childOf(key);
          items.add(child);
          skipBelow = child.directory() ? KeyBytes.prefixEnd(child.key().getBytes()) : null;
          resume = skipBelow != null ? skipBelow : KeyBytes.successor(key);
        }
        if (!r.isMore() || resume == null || reachedEnd(resume)) {
          return CompletableFuture.completedFuture(page(false));
        }
        return from(resume);
      });
    }

    private boolean reachedEnd(byte[] resume) {
      // An end of "\0" is the end of the keyspace; resume points are never "\0" (a directory
      // ends with the separator, whose UTF-8 bytes are below 0xff, so its prefix end is finite).
      boolean toKeyspaceEnd = end.length == 1 && end[0] == 0;
      return !toKeyspaceEnd && Arrays.compareUnsigned(resume, end) >= 0;
    }

    private TreeNode childOf(byte[] key) {
      if (key.length == parent.length) {
        return new TreeNode(KeyBytes.seq(key), TreeNode.ITSELF, false);
      }
      int sep = KeyBytes.indexOf(key, separator, parent.length);
      if (sep < 0) {
        return new TreeNode(KeyBytes.seq(key), KeyBytes.label(key, parent.length), false);
      }
      byte[] dir = Arrays.copyOf(key, sep + separator.length);
      return new TreeNode(KeyBytes.seq(dir), KeyBytes.label(dir, parent.length), true);
    }

    private Page<TreeNode> page(boolean more) {
      ByteSequence next = items.isEmpty() ? null : items.get(items.size() - 1).key();
      return new Page<>(items, more, next, revision);
    }
  }
}
