package io.cairn.server.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.cairn.server.mvcc.KeyRange;
import io.cairn.server.mvcc.MvccStore;
import io.cairn.server.mvcc.WriteBatch;
import io.cairn.server.mvcc.WriteTxn;
import io.cairn.server.storage.Backend;
import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.lmdbjava.CursorIterable;

/**
 * A real store and a watch hub over it, written to the way the apply thread does (commit, then
 * notify), with in-process watch streams that record every response. What a watcher must see is
 * the store's full history read from its rows, filtered; the log of committed events is kept to
 * check that history against.
 */
final class HubFixture implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(60);

  final Backend backend;
  final MvccStore store;
  final WatchHub hub;
  final WatchSessions sessions;
  /** Every committed event, in revision order (the test thread is the only writer). */
  final List<Event> log = new CopyOnWriteArrayList<>();
  private final List<Stream> streams = new ArrayList<>();

  HubFixture(Path dir) {
    backend = Backend.open(dir, 1L << 30);
    store = MvccStore.open(backend);
    hub = new WatchHub(store, 0);
    sessions = new WatchSessions(hub, rev -> ResponseHeader.newBuilder().setRevision(rev).build(),
        1536 * 1024);
  }

  // ---- writes -----------------------------------------------------------------------------

  /** Applies {@code requests} in one batch, one revision each (group commit); notifies the hub. */
  @SafeVarargs
  final long apply(Consumer<WriteTxn>... requests) {
    return apply(List.of(requests));
  }

  long apply(List<Consumer<WriteTxn>> requests) {
    try (WriteBatch b = store.beginBatch()) {
      for (Consumer<WriteTxn> r : requests) {
        r.accept(b.begin());
      }
      b.commit();
      List<Event> events = b.events();
      log.addAll(events);
      hub.notify(events, b.currentRevision());
      return b.currentRevision();
    }
  }

  long put(String key, String value) {
    return apply(putOp(key, value));
  }

  static Consumer<WriteTxn> putOp(String key, String value) {
    return t -> t.put(bs(key), bs(value), 0);
  }

  static Consumer<WriteTxn> deleteOp(String key, String end) {
    return t -> t.deleteRange(KeyRange.of(bs(key), bs(end)));
  }

  // ---- watches ----------------------------------------------------------------------------

  Stream stream() {
    Stream s = new Stream();
    s.requests = sessions.open(s);
    streams.add(s);
    return s;
  }

  static WatchCreateRequest.Builder create(String key, String end, long start) {
    return WatchCreateRequest.newBuilder().setKey(bs(key)).setRangeEnd(bs(end))
        .setStartRevision(start);
  }

  /**
   * The store's whole change history, read straight from its rows with an unbounded cursor (no
   * key range, so nothing depends on how range bounds compare): one event per row, oldest first,
   * each with the key's previous live value.
   */
  List<Event> fullHistory() {
    List<Event> out = new ArrayList<>();
    Map<ByteString, KeyValue> live = new HashMap<>();
    try (Backend.Read r = backend.read();
        CursorIterable<byte[]> rows = backend.kv().iterate(r.txn())) {
      for (CursorIterable.KeyVal<byte[]> row : rows) {
        KeyValue kv = parse(row.val());
        boolean tombstone = row.key().length == 17; // main, sub, then a tombstone mark
        long main = ByteBuffer.wrap(row.key()).getLong(0);
        assertThat(kv.getModRevision()).as("row key and value agree").isEqualTo(main);
        Event.Builder e = Event.newBuilder().setKv(kv)
            .setType(tombstone ? Event.EventType.DELETE : Event.EventType.PUT);
        KeyValue prev = tombstone ? live.remove(kv.getKey()) : live.put(kv.getKey(), kv);
        if (prev != null) {
          e.setPrevKv(prev);
        }
        out.add(e.build());
      }
    }
    return out;
  }

  private static KeyValue parse(byte[] row) {
    try {
      return KeyValue.parseFrom(row);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * What a watcher created by {@code c}, whose created response said {@code created}, must see:
   * the store's full history, filtered. Checks on the way that the store holds exactly what the
   * writes reported.
   */
  List<Event> expected(WatchCreateRequest c, long created) {
    List<Event> history = fullHistory();
    assertThat(describe(history)).as("the store's rows against the committed batches")
        .containsExactlyElementsOf(describe(log));
    long from = c.getStartRevision() > 0 ? c.getStartRevision() : created + 1;
    KeyRange range = KeyRange.of(c.getKey(), c.getRangeEnd());
    boolean noPut = c.getFiltersList().contains(WatchCreateRequest.FilterType.NOPUT);
    boolean noDelete = c.getFiltersList().contains(WatchCreateRequest.FilterType.NODELETE);
    List<Event> out = new ArrayList<>();
    for (Event e : history) {
      if (e.getKv().getModRevision() < from || !range.contains(e.getKv().getKey())) {
        continue;
      }
      if (e.getType() == Event.EventType.PUT ? noPut : noDelete) {
        continue;
      }
      out.add(c.getPrevKv() ? e : e.toBuilder().clearPrevKv().build());
    }
    return out;
  }

  /**
   * Waits until {@code w} has delivered exactly what the log says it must, and checks how it was
   * delivered: in order, once, and every revision whole in one response.
   */
  void assertDelivers(Watch w) {
    List<String> want = describe(expected(w.request, w.createdRevision));
    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(w.stream.canceled(w.id)).as("watch %d canceled", w.id).isFalse();
      assertThat(describe(w.events())).as("events of watch %d (%s)", w.id, w)
          .containsExactlyElementsOf(want);
    });
    checkShape(w);
  }

  /** Responses of {@code w}: ascending, no revision split between two, header not behind. */
  static void checkShape(Watch w) {
    long last = 0;
    for (WatchResponse r : w.responses()) {
      long first = r.getEvents(0).getKv().getModRevision();
      assertThat(first).as("watch %d: a revision is split or repeated between responses", w.id)
          .isGreaterThan(last);
      for (Event e : r.getEventsList()) {
        assertThat(e.getKv().getModRevision()).as("watch %d: order in a response", w.id)
            .isGreaterThanOrEqualTo(first);
        first = e.getKv().getModRevision();
      }
      last = first;
      assertThat(r.getHeader().getRevision()).as("watch %d: header behind its events", w.id)
          .isGreaterThanOrEqualTo(last);
    }
  }

  static List<String> describe(List<Event> events) {
    return events.stream().map(HubFixture::describe).collect(Collectors.toList());
  }

  static String describe(Event e) {
    KeyValue kv = e.getKv();
    String s = e.getType() + " " + str(kv.getKey()) + "@" + kv.getModRevision();
    if (e.getType() == Event.EventType.PUT) {
      s += "=" + str(kv.getValue()) + " c" + kv.getCreateRevision() + " v" + kv.getVersion();
    }
    if (e.hasPrevKv()) {
      KeyValue p = e.getPrevKv();
      s += " prev=" + str(p.getValue()) + "@" + p.getModRevision();
    }
    return s;
  }

  static ByteString bs(String s) {
    return ByteString.copyFrom(s, StandardCharsets.ISO_8859_1);
  }

  static String str(ByteString b) {
    return b.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() {
    for (Stream s : streams) {
      s.requests.onCompleted();
    }
    sessions.close();
    hub.close();
    store.close();
    backend.close();
  }

  /** One watcher as the client sees it. */
  static final class Watch {
    final Stream stream;
    final WatchCreateRequest request;
    final long id;
    final long createdRevision;

    Watch(Stream stream, WatchCreateRequest request, long id, long createdRevision) {
      this.stream = stream;
      this.request = request;
      this.id = id;
      this.createdRevision = createdRevision;
    }

    /** Responses with events, in arrival order. */
    List<WatchResponse> responses() {
      return stream.received.stream()
          .filter(r -> r.getWatchId() == id && r.getEventsCount() > 0)
          .collect(Collectors.toList());
    }

    List<Event> events() {
      return responses().stream().flatMap(r -> r.getEventsList().stream())
          .collect(Collectors.toList());
    }

    @Override
    public String toString() {
      return "[" + str(request.getKey()) + ", " + str(request.getRangeEnd()) + ") from "
          + request.getStartRevision() + " created@" + createdRevision
          + (request.getPrevKv() ? " prev_kv" : "") + " " + request.getFiltersList();
    }
  }

  /**
   * A client's watch stream: the server writes responses here. It can stall (report not ready)
   * like a slow client, to push its watchers off the synced path.
   */
  static final class Stream extends ServerCallStreamObserver<WatchResponse> {
    final List<WatchResponse> received = new CopyOnWriteArrayList<>();
    StreamObserver<WatchRequest> requests;
    private volatile boolean ready = true;
    private volatile Runnable onReady = () -> { };

    Watch watch(WatchCreateRequest.Builder c) {
      WatchCreateRequest req = c.build();
      long before = created().size();
      requests.onNext(WatchRequest.newBuilder().setCreateRequest(req).build());
      await().atMost(WAIT).until(() -> created().size() > before);
      WatchResponse r = created().get((int) before);
      return new Watch(this, req, r.getWatchId(), r.getHeader().getRevision());
    }

    private List<WatchResponse> created() {
      return received.stream().filter(WatchResponse::getCreated).collect(Collectors.toList());
    }

    boolean canceled(long id) {
      return received.stream().anyMatch(r -> r.getCanceled() && r.getWatchId() == id);
    }

    void stall() {
      ready = false;
    }

    boolean stalled() {
      return !ready;
    }

    void resume() {
      ready = true;
      onReady.run();
    }

    @Override
    public void onNext(WatchResponse r) {
      received.add(r);
    }

    @Override
    public void onError(Throwable t) { }

    @Override
    public void onCompleted() { }

    @Override
    public boolean isReady() {
      return ready;
    }

    @Override
    public void setOnReadyHandler(Runnable r) {
      onReady = r;
    }

    @Override
    public boolean isCancelled() {
      return false;
    }

    @Override
    public void setOnCancelHandler(Runnable r) { }

    @Override
    public void setCompression(String c) { }

    @Override
    public void disableAutoInboundFlowControl() { }

    @Override
    public void request(int n) { }

    @Override
    public void setMessageCompression(boolean b) { }
  }
}
