package io.cairn.server.mvcc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.cairn.server.storage.Backend;
import io.etcd.jetcd.api.KeyValue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.junit.jupiter.api.io.TempDir;
import org.lmdbjava.CursorIterable;
import org.lmdbjava.Txn;

/**
 * Drives a real {@link MvccStore} (LMDB in a temporary directory) with random writes, multi-op
 * requests, group-committed batches, compactions, reads at every kind of revision and restarts,
 * and checks every answer against a naive in-memory model of etcd 3.5's MVCC semantics. After
 * every step the in-memory key index is compared with what the model says it must hold; once a
 * compaction has finished on disk, so are the LMDB rows.
 *
 * <p>Seeds: the base seed is printed; {@code -Dmvcc.baseSeed=N} replays a whole run and {@code
 * -Dmvcc.seed=N} replays the single case that failed. {@code -Dmvcc.cases} and {@code
 * -Dmvcc.steps} resize the run.
 */
class MvccModelTest {
  private static final long MAP_SIZE = 256L << 20;
  private static final int CASES = Integer.getInteger("mvcc.cases", 150);
  private static final int STEPS = Integer.getInteger("mvcc.steps", 60);

  private static final ByteString ZERO = bytes(0);
  /** A small alphabet, so that keys, ranges and prefixes collide a lot. */
  private static final List<ByteString> KEYS =
      List.of(bytes(0), str("a"), str("aa"), str("ab"), str("b"), bytes('b', 0), bytes(0xff),
          bytes(0xff, 1));
  /** Range bounds: the keys plus some that fall between them. */
  private static final List<ByteString> BOUNDS =
      Stream.concat(
              KEYS.stream(),
              Stream.of(str("a\0"), str("ac"), str("c"), bytes(0xff, 0xff), bytes(1)))
          .toList();
  private static final long[] LEASES = {0, 0, 0, 5, 9};

  /** What a run exercised, printed at the end so that a weak generator shows. */
  private static final Map<String, Integer> STATS = new TreeMap<>();

  @TempDir Path tmp;

  @BeforeAll
  static void quietCompactionLog() {
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(MvccStore.class))
        .setLevel(ch.qos.logback.classic.Level.WARN);
  }

  private static void count(String what) {
    STATS.merge(what, 1, Integer::sum);
  }

  @Test
  void storeAgreesWithNaiveModelUnderRandomWritesCompactionsReadsAndRestarts() throws Exception {
    Long single = Long.getLong("mvcc.seed");
    if (single != null) {
      runOne(0, single);
      return;
    }
    long base = Long.getLong("mvcc.baseSeed", System.nanoTime());
    System.out.println(
        "MvccModelTest base seed " + base + " (replay the run with -Dmvcc.baseSeed=" + base + ")");
    Random seeds = new Random(base);
    for (int i = 0; i < CASES; i++) {
      runOne(i, seeds.nextLong());
    }
    System.out.println("MvccModelTest: " + CASES + " cases x " + STEPS + " steps: " + STATS);
  }

  private void runOne(int i, long seed) throws IOException {
    Path dir = tmp.resolve("case-" + i);
    Case c = new Case(seed, dir);
    try {
      c.run();
    } catch (Throwable t) {
      throw new AssertionError(
          "case "
              + i
              + " failed; replay with -Dmvcc.seed="
              + seed
              + "\nlast steps:\n"
              + c.trace()
              + "\n"
              + t.getMessage(),
          t);
    } finally {
      c.closeQuietly();
      deleteTree(dir);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // One random case
  // ---------------------------------------------------------------------------------------------

  private static final class Case {
    private final Random rnd;
    private final Path dir;
    private final Model model = new Model();
    private final List<CompletableFuture<Void>> compactions = new ArrayList<>();
    /** Compactions of the batch being built: they start only once it commits. */
    private final List<CompletableFuture<Void>> batchCompactions = new ArrayList<>();
    private final ArrayDeque<String> trace = new ArrayDeque<>();
    private Backend backend;
    private MvccStore store;

    Case(long seed, Path dir) {
      this.rnd = new Random(seed);
      this.dir = dir;
    }

    void run() throws Exception {
      open();
      assertThat(store.currentRevision()).as("a new store starts at revision 1").isEqualTo(1);
      assertThat(store.compactRevision()).isZero();
      for (int step = 0; step < STEPS; step++) {
        int p = rnd.nextInt(100);
        if (p < 33) {
          singleRequestBatch();
        } else if (p < 47) {
          multiRequestBatch();
        } else if (p < 55) {
          compactionBatch();
        } else if (p < 80) {
          read();
        } else if (p < 84) {
          readOnlyRequest();
        } else if (p < 88) {
          pinnedReadView();
        } else if (p < 93) {
          awaitCompactions();
        } else {
          reopen();
        }
        checkIndex();
      }
      reopen();
    }

    // ---- steps ----

    private void singleRequestBatch() {
      try (WriteBatch b = store.beginBatch()) {
        writeRequest(b);
        commit(b);
      }
      checkPublished();
    }

    private void multiRequestBatch() {
      int n = 2 + rnd.nextInt(3);
      note("batch of " + n + " {");
      try (WriteBatch b = store.beginBatch()) {
        for (int i = 0; i < n; i++) {
          int p = rnd.nextInt(10);
          if (p < 5) {
            writeRequest(b);
          } else if (p < 7) {
            batchRead(b);
          } else if (p < 8) {
            readDuringBatch();
          } else {
            compact(b, pickCompactRevision());
          }
        }
        commit(b);
      }
      note("} commit");
      count("multi-request batch");
      checkPublished();
    }

    private void compactionBatch() {
      long rev = pickCompactRevision();
      try (WriteBatch b = store.beginBatch()) {
        compact(b, rev);
        // A refused compaction is an answer, not a storage failure: the batch still commits.
        commit(b);
      }
      checkPublished();
    }

    private void read() {
      ReadArgs a = randomRead(model.rev);
      Outcome want = model.read(a, model.rev);
      Outcome got = Outcome.of(() -> store.range(a.range, a.rev, a.limit, a.countOnly));
      note("read " + a + " -> " + got);
      count("read " + (want.error() == null ? "ok" : want.error().toString()));
      assertThat(got).as("store.range %s", a).isEqualTo(want);
    }

    /**
     * A reader outside the batch at the current revision sees the last published revision, as
     * if the batch had not begun: in etcd a read at the current revision is never compacted.
     */
    private void readDuringBatch() {
      long published = store.currentRevision();
      KeyRange r = randomRange();
      long rev = rnd.nextBoolean() ? 0 : published;
      Outcome got = Outcome.of(() -> store.range(r, rev, 0, false));
      note("  read outside the batch " + show(r) + " rev " + rev + " -> " + got);
      count("read outside an open batch");
      List<KeyValue> want = new ArrayList<>();
      for (KeyValue kv : model.state(published).values()) {
        if (inRange(kv.getKey(), r)) {
          want.add(kv);
        }
      }
      assertThat(got)
          .as("read at the current revision %d while a batch is open", published)
          .isEqualTo(Outcome.ok(want, want.size(), published));
    }

    private void commit(WriteBatch b) {
      b.commit();
      compactions.addAll(batchCompactions);
      batchCompactions.clear();
    }

    private void batchRead(WriteBatch b) {
      ReadArgs a = randomRead(model.rev);
      Outcome want = model.read(a, model.rev);
      Outcome got = Outcome.of(() -> b.range(a.range, a.rev, a.limit, a.countOnly));
      note("  batch read " + a + " -> " + got);
      assertThat(got).as("batch.range %s", a).isEqualTo(want);
    }

    /** A request that reads and deletes nothing must not move the revision. */
    private void readOnlyRequest() {
      long before = model.rev;
      try (WriteBatch b = store.beginBatch()) {
        WriteTxn w = b.begin();
        model.beginTxn();
        txnRead(w);
        ByteString absent = pickAbsentKey();
        if (absent != null) {
          List<KeyValue> del = w.deleteRange(KeyRange.of(absent, ByteString.EMPTY));
          assertThat(del).as("delete of absent %s", show(absent)).isEmpty();
        }
        txnRead(w);
        assertThat(w.changed()).isFalse();
        assertThat(w.currentRevision()).isEqualTo(before);
        model.endTxn();
        commit(b);
      }
      note("read-only request at " + before);
      assertThat(store.currentRevision()).isEqualTo(before);
      checkPublished();
    }

    /** A read view keeps answering at the revision it was opened at while writes go on. */
    private void pinnedReadView() {
      long pinned = model.rev;
      List<ReadArgs> reads = new ArrayList<>();
      try (ReadView v = store.readView()) {
        assertThat(v.revision()).isEqualTo(pinned);
        singleRequestBatch();
        for (int i = 0; i < 3; i++) {
          ReadArgs a = randomRead(pinned);
          reads.add(a);
          Outcome want = model.read(a, pinned);
          Outcome got = Outcome.of(() -> v.range(a.range, a.rev, a.limit, a.countOnly));
          note("view@" + pinned + " read " + a + " -> " + got);
          assertThat(got).as("view pinned at %d, range %s", pinned, a).isEqualTo(want);
        }
      }
    }

    private void awaitCompactions() throws Exception {
      for (CompletableFuture<Void> f : compactions) {
        f.get(30, TimeUnit.SECONDS);
      }
      compactions.clear();
      note("compactions finished");
      checkRows();
    }

    private void reopen() throws Exception {
      awaitCompactions();
      store.close();
      backend.close();
      open();
      note("reopened");
      count("reopen");
      assertThat(store.currentRevision()).as("revision after reopen").isEqualTo(model.rev);
      assertThat(store.compactRevision()).as("compaction after reopen").isEqualTo(model.compacted);
      checkIndex();
      checkRows();
      // Every revision that may still be read, over the whole keyspace, and the ones that may not.
      KeyRange all = KeyRange.of(ZERO, ZERO);
      for (long r = Math.max(1, model.compacted) - 1; r <= model.rev + 1; r++) {
        if (r == 0) {
          continue;
        }
        ReadArgs a = new ReadArgs(all, r, 0, false);
        Outcome want = model.read(a, model.rev);
        Outcome got = Outcome.of(() -> store.range(all, a.rev, 0, false));
        assertThat(got).as("after reopen, everything at %d", r).isEqualTo(want);
      }
    }

    // ---- write requests ----

    private void writeRequest(WriteBatch b) {
      WriteTxn w = b.begin();
      model.beginTxn();
      assertThat(w.revision()).as("revision a request writes at").isEqualTo(model.rev + 1);
      int kind = rnd.nextInt(10);
      if (kind < 4) {
        put(w, pick(KEYS));
      } else if (kind < 6) {
        delete(w, KeyRange.of(pick(KEYS), ByteString.EMPTY));
      } else if (kind < 7) {
        delete(w, randomRange());
      } else {
        multiOp(w);
      }
      boolean changed = !model.pending.isEmpty();
      count(changed ? "write request" : "write request that changed nothing");
      assertThat(w.changed()).as("changed()").isEqualTo(changed);
      assertThat(w.currentRevision()).isEqualTo(model.txnCurrent());
      model.endTxn();
    }

    /** Several puts (distinct keys) and deletes (not covering them) sharing one revision. */
    private void multiOp(WriteTxn w) {
      int n = 2 + rnd.nextInt(4);
      List<ByteString> putKeys = new ArrayList<>();
      for (ByteString k : KEYS) {
        if (rnd.nextInt(3) == 0 && putKeys.size() < n) {
          putKeys.add(k);
        }
      }
      List<Runnable> ops = new ArrayList<>();
      for (ByteString k : putKeys) {
        ops.add(() -> put(w, k));
      }
      for (int i = putKeys.size(); i < n; i++) {
        KeyRange r = rnd.nextBoolean() ? KeyRange.of(pick(KEYS), ByteString.EMPTY) : randomRange();
        if (putKeys.stream().noneMatch(k -> inRange(k, r))) {
          ops.add(() -> delete(w, r));
        }
      }
      java.util.Collections.shuffle(ops, rnd);
      note("  multi-op request of " + ops.size() + " {");
      count("multi-op request");
      for (Runnable op : ops) {
        op.run();
        if (rnd.nextInt(3) == 0) {
          txnRead(w);
        }
      }
      note("  }");
    }

    private void put(WriteTxn w, ByteString key) {
      ByteString value = randomValue();
      long lease = LEASES[rnd.nextInt(LEASES.length)];
      KeyValue wantPrev = model.put(key, value, lease);
      KeyValue gotPrev = w.put(key, value, lease);
      note("  put " + show(key) + "=" + show(value) + " lease " + lease + " @" + w.revision());
      assertThat(gotPrev).as("previous value of %s", show(key)).isEqualTo(wantPrev);
    }

    private void delete(WriteTxn w, KeyRange r) {
      List<KeyValue> want = model.delete(r);
      List<KeyValue> got = w.deleteRange(r);
      note("  delete " + show(r) + " -> " + got.size() + " @" + w.currentRevision());
      assertThat(got).as("deleted by %s", show(r)).isEqualTo(want);
    }

    private void txnRead(WriteTxn w) {
      long current = model.txnCurrent();
      ReadArgs a = randomRead(current);
      Outcome want = model.read(a, current);
      Outcome got = Outcome.of(() -> w.range(a.range, a.rev, a.limit, a.countOnly));
      note("    txn read " + a + " -> " + got);
      assertThat(got).as("WriteTxn.range %s", a).isEqualTo(want);
    }

    private void compact(WriteBatch b, long rev) {
      MvccException.Reason want = model.checkCompact(rev);
      try {
        CompletableFuture<Void> f = b.compact(rev);
        note("  compact " + rev);
        assertThat(want).as("compact(%d) should have been refused", rev).isNull();
        model.compacted = rev;
        batchCompactions.add(f);
        count("compaction");
      } catch (MvccException e) {
        note("  compact " + rev + " -> " + e.reason());
        count("compaction refused " + e.reason());
        assertThat(e.reason()).as("compact(%d)", rev).isEqualTo(want);
      }
    }

    // ---- state checks ----

    private void checkPublished() {
      assertThat(store.currentRevision()).as("published revision").isEqualTo(model.rev);
      assertThat(store.compactRevision()).as("compact revision").isEqualTo(model.compacted);
      assertThat(store.keyCount()).as("live key count").isEqualTo(model.state(model.rev).size());
    }

    /** The key index holds exactly what etcd's compaction rule leaves. */
    private void checkIndex() {
      Map<String, List<String>> want = new TreeMap<>();
      for (Row r : model.expectedRows()) {
        want.computeIfAbsent(show(r.key), k -> new ArrayList<>()).add(r.indexEntry());
      }
      Map<String, List<String>> got = new TreeMap<>();
      for (Map.Entry<ByteString, KeyHistory> e : store.index().range(KeyRange.of(ZERO, ZERO))) {
        KeyHistory.Snapshot s = e.getValue().snapshot();
        List<String> entries = new ArrayList<>();
        for (int i = 0; i < s.size(); i++) {
          entries.add(
              Row.indexEntry(s.main(i), s.sub(i), s.tombstone(i), s.created(i), s.version(i)));
        }
        got.put(show(e.getKey()), entries);
      }
      assertThat(got).as("key index (compacted at %d)", model.compacted).isEqualTo(want);
    }

    /** Once compactions have finished, LMDB holds exactly the rows the model keeps. */
    private void checkRows() {
      List<String> want = new ArrayList<>();
      for (Row r : model.expectedRows()) {
        want.add(r.rowString());
      }
      List<String> got = new ArrayList<>();
      try (var scope = backend.read();
          CursorIterable<byte[]> rows = backend.kv().iterate(scope.txn())) {
        for (CursorIterable.KeyVal<byte[]> row : rows) {
          byte[] k = row.key();
          KeyValue kv = MvccStore.parse(row.val());
          boolean tomb = RevisionKeys.isTombstone(k);
          got.add(
              Row.rowString(
                  RevisionKeys.main(k), RevisionKeys.sub(k), tomb, kv.getKey(), tomb ? null : kv));
        }
      }
      assertThat(got).as("rows on disk (compacted at %d)", model.compacted).isEqualTo(want);
    }

    // ---- random choices ----

    private ReadArgs randomRead(long current) {
      KeyRange r = randomRange();
      long rev;
      int p = rnd.nextInt(20);
      if (p < 6) {
        rev = 0;
      } else if (p < 8) {
        rev = current;
      } else if (p < 14) {
        rev = 1 + rnd.nextInt((int) current);
      } else if (p < 16) {
        rev = current + 1 + rnd.nextInt(3);
      } else if (p < 18) {
        rev = Math.max(1, model.compacted - rnd.nextInt(3));
      } else {
        rev = Math.max(1, model.compacted);
      }
      long limit = rnd.nextBoolean() ? 0 : 1 + rnd.nextInt(4);
      boolean countOnly = rnd.nextInt(6) == 0;
      return new ReadArgs(r, rev, limit, countOnly);
    }

    private long pickCompactRevision() {
      int p = rnd.nextInt(20);
      if (p < 3 && model.compacted > 0) {
        return 1 + rnd.nextInt((int) model.compacted); // at or below the last: COMPACTED
      }
      if (p < 6) {
        return model.rev + 1 + rnd.nextInt(2); // FUTURE_REVISION
      }
      long lo = model.compacted + 1;
      if (lo > model.rev) {
        return model.rev + 1;
      }
      return lo + rnd.nextInt((int) (model.rev - lo + 1));
    }

    private KeyRange randomRange() {
      switch (rnd.nextInt(7)) {
        case 0, 1:
          return KeyRange.of(pick(BOUNDS), ByteString.EMPTY);
        case 2, 3:
          return KeyRange.of(pick(BOUNDS), pick(BOUNDS));
        case 4:
          return prefix(pick(List.of(str("a"), str("b"), bytes(0xff), bytes(0xff, 1), bytes(0))));
        case 5:
          return KeyRange.of(pick(BOUNDS), ZERO);
        default:
          return KeyRange.of(ZERO, ZERO);
      }
    }

    private ByteString randomValue() {
      int len = rnd.nextInt(4);
      byte[] b = new byte[len];
      for (int i = 0; i < len; i++) {
        b[i] = (byte) ('p' + rnd.nextInt(4));
      }
      return ByteString.copyFrom(b);
    }

    private ByteString pickAbsentKey() {
      TreeMap<ByteString, KeyValue> live = model.state(model.rev);
      List<ByteString> absent = BOUNDS.stream().filter(k -> !live.containsKey(k)).toList();
      return absent.isEmpty() ? null : pick(absent);
    }

    private <T> T pick(List<T> l) {
      return l.get(rnd.nextInt(l.size()));
    }

    // ---- plumbing ----

    private void open() {
      backend = Backend.open(dir, MAP_SIZE);
      store = MvccStore.open(backend);
    }

    void closeQuietly() {
      try {
        if (store != null) {
          for (CompletableFuture<Void> f : compactions) {
            try {
              f.get(30, TimeUnit.SECONDS);
            } catch (Exception ignored) {
              // reported by the check that failed, if any
            }
          }
          store.close();
        }
      } finally {
        if (backend != null) {
          backend.close();
        }
        store = null;
        backend = null;
      }
    }

    private void note(String s) {
      trace.addLast(s);
      while (trace.size() > 60) {
        trace.removeFirst();
      }
    }

    String trace() {
      return String.join("\n", trace);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The model
  // ---------------------------------------------------------------------------------------------

  private record Change(ByteString key, ByteString value, long lease, boolean tombstone) {}

  /** A row the store must hold: one change of one revision. */
  private record Row(long main, long sub, boolean tombstone, ByteString key, KeyValue kv) {
    String indexEntry() {
      return indexEntry(
          main, sub, tombstone, tombstone ? 0 : kv.getCreateRevision(), tombstone ? 0 : kv.getVersion());
    }

    static String indexEntry(long main, long sub, boolean tomb, long created, long version) {
      return main + "." + sub + (tomb ? " tombstone" : " created " + created + " v" + version);
    }

    String rowString() {
      return rowString(main, sub, tombstone, key, kv);
    }

    static String rowString(long main, long sub, boolean tomb, ByteString key, KeyValue kv) {
      return main + "." + sub + " " + show(key) + (tomb ? " tombstone" : " " + show(kv));
    }
  }

  private record ReadArgs(KeyRange range, long rev, long limit, boolean countOnly) {
    @Override
    public String toString() {
      return show(range) + " rev " + rev + (limit > 0 ? " limit " + limit : "")
          + (countOnly ? " countOnly" : "");
    }
  }

  /** What a read answered: a result or a refusal. */
  private record Outcome(List<String> kvs, List<KeyValue> raw, long count, long revision,
      MvccException.Reason error) {
    static Outcome of(java.util.function.Supplier<RangeResult> read) {
      try {
        RangeResult r = read.get();
        return ok(r.kvs(), r.count(), r.revision());
      } catch (MvccException e) {
        return new Outcome(List.of(), List.of(), -1, -1, e.reason());
      }
    }

    static Outcome ok(List<KeyValue> kvs, long count, long revision) {
      return new Outcome(kvs.stream().map(MvccModelTest::show).toList(), List.copyOf(kvs), count,
          revision, null);
    }

    static Outcome refused(MvccException.Reason r) {
      return new Outcome(List.of(), List.of(), -1, -1, r);
    }

    @Override
    public String toString() {
      return error != null ? error.toString() : "rev " + revision + " count " + count + " " + kvs;
    }
  }

  /**
   * etcd 3.5's MVCC semantics, as plainly as possible: a map from revision to the changes made
   * at it, and every read replays that history from the start.
   */
  private static final class Model {
    long rev = 1;
    long compacted = 0;
    final TreeMap<Long, List<Change>> history = new TreeMap<>();
    /** The changes of the request in progress, or null. */
    List<Change> pending;

    void beginTxn() {
      pending = new ArrayList<>();
    }

    void endTxn() {
      if (!pending.isEmpty()) {
        rev++;
        history.put(rev, pending);
      }
      pending = null;
    }

    long txnCurrent() {
      return pending == null || pending.isEmpty() ? rev : rev + 1;
    }

    /** Live keys as of {@code at}, the request in progress included. */
    TreeMap<ByteString, KeyValue> state(long at) {
      TreeMap<ByteString, KeyValue> st = new TreeMap<>(MvccModelTest::compareUnsigned);
      for (Map.Entry<Long, List<Change>> e : history.headMap(at, true).entrySet()) {
        for (Change c : e.getValue()) {
          applyChange(st, e.getKey(), c);
        }
      }
      if (pending != null && at > rev) {
        for (Change c : pending) {
          applyChange(st, rev + 1, c);
        }
      }
      return st;
    }

    static KeyValue applyChange(TreeMap<ByteString, KeyValue> st, long at, Change c) {
      if (c.tombstone()) {
        st.remove(c.key());
        return null;
      }
      KeyValue prev = st.get(c.key());
      KeyValue kv =
          KeyValue.newBuilder()
              .setKey(c.key())
              .setValue(c.value())
              .setCreateRevision(prev == null ? at : prev.getCreateRevision())
              .setModRevision(at)
              .setVersion(prev == null ? 1 : prev.getVersion() + 1)
              .setLease(c.lease())
              .build();
      st.put(c.key(), kv);
      return kv;
    }

    KeyValue put(ByteString key, ByteString value, long lease) {
      KeyValue prev = state(rev + 1).get(key);
      pending.add(new Change(key, value, lease, false));
      return prev;
    }

    List<KeyValue> delete(KeyRange r) {
      List<KeyValue> deleted = new ArrayList<>();
      for (KeyValue kv : state(rev + 1).values()) {
        if (inRange(kv.getKey(), r)) {
          deleted.add(kv);
        }
      }
      for (KeyValue kv : deleted) {
        pending.add(new Change(kv.getKey(), ByteString.EMPTY, 0, true));
      }
      return deleted;
    }

    Outcome read(ReadArgs a, long current) {
      long at = a.rev <= 0 ? current : a.rev;
      if (at > current) {
        return Outcome.refused(MvccException.Reason.FUTURE_REVISION);
      }
      if (at < compacted) {
        return Outcome.refused(MvccException.Reason.COMPACTED);
      }
      List<KeyValue> matching = new ArrayList<>();
      for (KeyValue kv : state(at).values()) {
        if (inRange(kv.getKey(), a.range)) {
          matching.add(kv);
        }
      }
      List<KeyValue> kvs;
      if (a.countOnly) {
        kvs = List.of();
      } else if (a.limit > 0 && matching.size() > a.limit) {
        kvs = matching.subList(0, (int) a.limit);
      } else {
        kvs = matching;
      }
      return Outcome.ok(kvs, matching.size(), current);
    }

    MvccException.Reason checkCompact(long c) {
      if (c <= compacted) {
        return MvccException.Reason.COMPACTED;
      }
      if (c > rev) {
        return MvccException.Reason.FUTURE_REVISION;
      }
      return null;
    }

    /**
     * The rows compaction at {@link #compacted} leaves, in row order: every change above it, and
     * for each key the newest change at or below it unless that is a delete.
     */
    List<Row> expectedRows() {
      TreeMap<ByteString, KeyValue> st = new TreeMap<>(MvccModelTest::compareUnsigned);
      TreeMap<ByteString, Row> newestAtOrBelow = new TreeMap<>(MvccModelTest::compareUnsigned);
      List<Row> above = new ArrayList<>();
      for (Map.Entry<Long, List<Change>> e : history.entrySet()) {
        long main = e.getKey();
        List<Change> changes = e.getValue();
        for (int sub = 0; sub < changes.size(); sub++) {
          Change c = changes.get(sub);
          KeyValue kv = applyChange(st, main, c);
          Row row = new Row(main, sub, c.tombstone(), c.key(), kv);
          if (main > compacted) {
            above.add(row);
          } else {
            newestAtOrBelow.put(c.key(), row);
          }
        }
      }
      List<Row> rows = new ArrayList<>();
      for (Row r : newestAtOrBelow.values()) {
        if (!r.tombstone()) {
          rows.add(r);
        }
      }
      rows.sort(Comparator.comparingLong(Row::main).thenComparingLong(Row::sub));
      rows.addAll(above);
      return rows;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers (independent of the code under test)
  // ---------------------------------------------------------------------------------------------

  /** etcd's range_end rules, spelled out. */
  static boolean inRange(ByteString k, KeyRange r) {
    if (r.end().isEmpty()) {
      return k.equals(r.key());
    }
    if (compareUnsigned(k, r.key()) < 0) {
      return false;
    }
    if (r.end().equals(ZERO)) {
      return true;
    }
    return compareUnsigned(k, r.end()) < 0;
  }

  /** The range of every key starting with {@code p}, as clients build it. */
  static KeyRange prefix(ByteString p) {
    byte[] b = p.toByteArray();
    for (int i = b.length - 1; i >= 0; i--) {
      if ((b[i] & 0xff) != 0xff) {
        byte[] end = java.util.Arrays.copyOf(b, i + 1);
        end[i]++;
        return KeyRange.of(p, ByteString.copyFrom(end));
      }
    }
    return KeyRange.of(p, ZERO);
  }

  static int compareUnsigned(ByteString a, ByteString b) {
    int n = Math.min(a.size(), b.size());
    for (int i = 0; i < n; i++) {
      int x = a.byteAt(i) & 0xff;
      int y = b.byteAt(i) & 0xff;
      if (x != y) {
        return Integer.compare(x, y);
      }
    }
    return Integer.compare(a.size(), b.size());
  }

  static ByteString str(String s) {
    return ByteString.copyFrom(s, StandardCharsets.ISO_8859_1);
  }

  static ByteString bytes(int... b) {
    byte[] out = new byte[b.length];
    for (int i = 0; i < b.length; i++) {
      out[i] = (byte) b[i];
    }
    return ByteString.copyFrom(out);
  }

  static String show(ByteString b) {
    StringBuilder s = new StringBuilder("\"");
    for (int i = 0; i < b.size(); i++) {
      int c = b.byteAt(i) & 0xff;
      if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
        s.append((char) c);
      } else {
        s.append(String.format("\\x%02x", c));
      }
    }
    return s.append('"').toString();
  }

  static String show(KeyRange r) {
    return "[" + show(r.key()) + ", " + show(r.end()) + ")";
  }

  static String show(KeyValue kv) {
    return show(kv.getKey())
        + "="
        + show(kv.getValue())
        + " c"
        + kv.getCreateRevision()
        + " m"
        + kv.getModRevision()
        + " v"
        + kv.getVersion()
        + (kv.getLease() != 0 ? " l" + kv.getLease() : "");
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

}
