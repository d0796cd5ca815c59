package io.cairn.server.it;

import static io.cairn.server.testing.Clients.bytes;
import static io.cairn.server.testing.Clients.failure;
import static io.cairn.server.testing.Clients.get;
import static io.cairn.server.testing.Clients.str;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.cairn.server.testing.Clients;
import io.cairn.server.testing.MemberProcess;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.kv.DeleteResponse;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.PutResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.CompactOption;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.GetOption.SortOrder;
import io.etcd.jetcd.options.GetOption.SortTarget;
import io.etcd.jetcd.options.PutOption;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/** KV API through the jetcd client (and raw gRPC where jetcd has no API), one fresh member per test. */
class JetcdKvIT {
  private static final String COMPACTED = "etcdserver: mvcc: required revision has been compacted";
  private MemberProcess member;
  private Client client;
  private KV kv;

  @BeforeEach
  void start(TestInfo info) {
    member = MemberProcess.builder(info).startReady();
    client = Clients.jetcd(member);
    kv = client.getKVClient();
  }

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    if (member != null) {
      member.close();
    }
  }

  @Test
  void putWithPrevKvAndHeaderRevision() {
    PutResponse first = put("p/k", "v1", PutOption.builder().withPrevKV().build());
    assertThat(first.hasPrevKv()).isFalse();
    assertThat(first.getHeader().getRevision()).isEqualTo(2);
    PutResponse second = put("p/k", "v2", PutOption.builder().withPrevKV().build());
    assertThat(second.hasPrevKv()).isTrue();
    assertThat(str(second.getPrevKv().getValue())).isEqualTo("v1");
    assertThat(second.getPrevKv().getModRevision()).isEqualTo(2);
    assertThat(second.getHeader().getRevision()).isEqualTo(3);
    KeyValue now = single(get(kv.get(bytes("p/k"))));
    assertThat(now.getCreateRevision()).isEqualTo(2);
    assertThat(now.getModRevision()).isEqualTo(3);
    assertThat(now.getVersion()).isEqualTo(2);
    assertThat(now.getLease()).isZero();
  }

  @Test
  void getWithOptions() {
    populate(); // g/a=5@2 g/b=4@3 g/c=3@4 g/a=9@5 g/d=1@6 g/e=2@7 g/b=7@8 g/b=0@9
    GetResponse all = get(kv.get(bytes("g/"), GetOption.builder().isPrefix(true).build()));
    assertThat(keys(all)).containsExactly("g/a", "g/b", "g/c", "g/d", "g/e");
    assertThat(all.getCount()).isEqualTo(5);
    assertThat(all.getHeader().getRevision()).isEqualTo(9);

    GetResponse limited = get(kv.get(bytes("g/"), GetOption.builder().isPrefix(true).withLimit(2).build()));
    assertThat(keys(limited)).containsExactly("g/a", "g/b");
    assertThat(limited.isMore()).isTrue();
    assertThat(limited.getCount()).isEqualTo(5);

    GetResponse byValueDesc = get(kv.get(bytes("g/"), GetOption.builder().isPrefix(true)
        .withSortField(SortTarget.VALUE).withSortOrder(SortOrder.DESCEND).build()));
    assertThat(keys(byValueDesc)).containsExactly("g/a", "g/c", "g/e", "g/d", "g/b");
    GetResponse byVersion = get(kv.get(bytes("g/"), GetOption.builder().isPrefix(true)
        .withSortField(SortTarget.VERSION).withSortOrder(SortOrder.DESCEND).withLimit(1).build()));
    assertThat(keys(byVersion)).containsExactly("g/b");
    GetResponse byCreate = get(kv.get(bytes("g/"), GetOption.builder().isPrefix(true)
        .withSortField(SortTarget.CREATE).withSortOrder(SortOrder.DESCEND).build()));
    assertThat(keys(byCreate)).containsExactly("g/e", "g/d", "g/c", "g/b", "g/a");
    GetResponse byMod = get(kv.get(bytes("g/"), GetOption.builder().isPrefix(true)
        .withSortField(SortTarget.MOD).withSortOrder(SortOrder.ASCEND).build()));
    assertThat(keys(byMod)).containsExactly("g/c", "g/a", "g/d", "g/e", "g/b");

    GetResponse keysOnly = get(kv.get(bytes("g/"), GetOption.builder().isPrefix(true).withKeysOnly(true).build()));
    assertThat(keysOnly.getKvs()).hasSize(5).allSatisfy(k -> assertThat(k.getValue().isEmpty()).isTrue());

    GetResponse countOnly = get(kv.get(bytes("g/"), GetOption.builder().isPrefix(true).withCountOnly(true).build()));
    assertThat(countOnly.getKvs()).isEmpty();
    assertThat(countOnly.getCount()).isEqualTo(5);

    GetResponse atFour = get(kv.get(bytes("g/"), GetOption.builder().isPrefix(true).withRevision(4).build()));
    assertThat(keys(atFour)).containsExactly("g/a", "g/b", "g/c");
    assertThat(str(atFour.getKvs().get(0).getValue())).isEqualTo("5");
    assertThat(atFour.getHeader().getRevision()).as("header carries the current revision").isEqualTo(9);

    GetResponse serializable = get(kv.get(bytes("g/c"), GetOption.builder().withSerializable(true).build()));
    assertThat(str(single(serializable).getValue())).isEqualTo("3");

    GetResponse range = get(kv.get(bytes("g/b"), GetOption.builder().withRange(bytes("g/d")).build()));
    assertThat(keys(range)).containsExactly("g/b", "g/c");

    GetResponse modWindow = get(kv.get(bytes("g/"), GetOption.builder().isPrefix(true)
        .withMinModRevision(3).withMaxModRevision(7).build()));
    assertThat(keys(modWindow)).containsExactly("g/a", "g/c", "g/d", "g/e");
    GetResponse createWindow = get(kv.get(bytes("g/"), GetOption.builder().isPrefix(true)
        .withMinCreateRevision(3).withMaxCreateRevision(6).build()));
    assertThat(keys(createWindow)).containsExactly("g/b", "g/c", "g/d");

    GetResponse missing = get(kv.get(bytes("g/zz")));
    assertThat(missing.getKvs()).isEmpty();
    assertThat(missing.getCount()).isZero();
  }

  @Test
  void deleteWithOptions() {
    for (String k : List.of("d/a", "d/b", "d/c", "d/d", "e/a")) {
      put(k, "v-" + k, PutOption.DEFAULT); // revisions 2..6
    }
    DeleteResponse none = get(kv.delete(bytes("d/none")));
    assertThat(none.getDeleted()).isZero();
    assertThat(none.getHeader().getRevision()).as("deleting nothing does not create a revision").isEqualTo(6);

    DeleteResponse one = get(kv.delete(bytes("d/a"), DeleteOption.builder().withPrevKV(true).build()));
    assertThat(one.getDeleted()).isEqualTo(1);
    assertThat(one.getPrevKvs()).singleElement().satisfies(p -> assertThat(str(p.getValue())).isEqualTo("v-d/a"));
    assertThat(one.getHeader().getRevision()).isEqualTo(7);

    DeleteResponse range = get(kv.delete(bytes("d/b"), DeleteOption.builder().withRange(bytes("d/d")).build()));
    assertThat(range.getDeleted()).isEqualTo(2);
    assertThat(range.getPrevKvs()).isEmpty();
    assertThat(range.getHeader().getRevision()).as("one revision per delete request").isEqualTo(8);

    DeleteResponse prefix = get(kv.delete(bytes("d/"), DeleteOption.builder().isPrefix(true).withPrevKV(true).build()));
    assertThat(prefix.getDeleted()).isEqualTo(1);
    assertThat(prefix.getPrevKvs()).extracting(p -> str(p.getKey())).containsExactly("d/d");

    assertThat(keys(get(kv.get(bytes("\0"), GetOption.builder().withRange(bytes("\0")).build()))))
        .containsExactly("e/a");
    // history is still readable
    GetResponse before = get(kv.get(bytes("d/"), GetOption.builder().isPrefix(true).withRevision(6).build()));
    assertThat(keys(before)).containsExactly("d/a", "d/b", "d/c", "d/d");
  }

  @Test
  void txnComparesOnValueVersionCreateAndMod() {
    put("t/k", "v1", PutOption.DEFAULT); // 2
    put("t/k", "v2", PutOption.DEFAULT); // 3
    ByteSequence k = bytes("t/k");
    Object[][] cases = {
        {new Cmp(k, Cmp.Op.EQUAL, CmpTarget.value(bytes("v2"))), true},
        {new Cmp(k, Cmp.Op.NOT_EQUAL, CmpTarget.value(bytes("v2"))), false},
        {new Cmp(k, Cmp.Op.GREATER, CmpTarget.value(bytes("v1"))), true},
        {new Cmp(k, Cmp.Op.LESS, CmpTarget.value(bytes("v1"))), false},
        {new Cmp(k, Cmp.Op.EQUAL, CmpTarget.version(2)), true},
        {new Cmp(k, Cmp.Op.GREATER, CmpTarget.version(2)), false},
        {new Cmp(k, Cmp.Op.LESS, CmpTarget.version(3)), true},
        {new Cmp(k, Cmp.Op.NOT_EQUAL, CmpTarget.version(1)), true},
        {new Cmp(k, Cmp.Op.EQUAL, CmpTarget.createRevision(2)), true},
        {new Cmp(k, Cmp.Op.LESS, CmpTarget.createRevision(2)), false},
        {new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(3)), true},
        {new Cmp(k, Cmp.Op.GREATER, CmpTarget.modRevision(3)), false},
        {new Cmp(bytes("t/absent"), Cmp.Op.EQUAL, CmpTarget.version(0)), true},
        {new Cmp(bytes("t/absent"), Cmp.Op.EQUAL, CmpTarget.createRevision(0)), true},
    };
    for (int i = 0; i < cases.length; i++) {
      Object[] c = cases[i];
      io.etcd.jetcd.kv.TxnResponse r = get(kv.txn().If((Cmp) c[0])
          .Then(Op.get(k, GetOption.DEFAULT)).Else(Op.get(bytes("t/absent"), GetOption.DEFAULT)).commit());
      assertThat(r.isSucceeded()).as("compare case #%d", i)
          .isEqualTo(c[1]);
      assertThat(r.getGetResponses()).hasSize(1);
      assertThat(r.getHeader().getRevision()).as("read-only txn keeps the revision").isEqualTo(3);
    }
    // several compares: all must hold
    io.etcd.jetcd.kv.TxnResponse mixed = get(kv.txn()
        .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.value(bytes("v2"))), new Cmp(k, Cmp.Op.EQUAL, CmpTarget.version(1)))
        .Then(Op.put(k, bytes("then"), PutOption.DEFAULT))
        .Else(Op.put(k, bytes("else"), PutOption.DEFAULT)).commit());
    assertThat(mixed.isSucceeded()).isFalse();
    assertThat(str(single(get(kv.get(k))).getValue())).isEqualTo("else");
  }

  @Test
  void allWritesOfATxnShareOneRevision() {
    put("w/old", "x", PutOption.DEFAULT); // 2
    io.etcd.jetcd.kv.TxnResponse r = get(kv.txn()
        .Then(Op.put(bytes("w/a"), bytes("1"), PutOption.DEFAULT),
            Op.put(bytes("w/b"), bytes("2"), PutOption.DEFAULT),
            Op.delete(bytes("w/old"), DeleteOption.DEFAULT),
            Op.put(bytes("w/c"), bytes("3"), PutOption.DEFAULT),
            Op.get(bytes("w/"), GetOption.builder().isPrefix(true).build()))
        .commit());
    assertThat(r.isSucceeded()).isTrue();
    assertThat(r.getHeader().getRevision()).isEqualTo(3);
    assertThat(r.getPutResponses()).hasSize(3)
        .allSatisfy(p -> assertThat(p.getHeader().getRevision()).isEqualTo(3));
    assertThat(r.getDeleteResponses()).singleElement().satisfies(dr -> assertThat(dr.getDeleted()).isEqualTo(1));
    // the get inside the txn sees the txn's own writes
    assertThat(keys(r.getGetResponses().get(0))).containsExactly("w/a", "w/b", "w/c");
    GetResponse after = get(kv.get(bytes("w/"), GetOption.builder().isPrefix(true).build()));
    assertThat(after.getKvs()).extracting(KeyValue::getModRevision).containsOnly(3L);
    assertThat(after.getHeader().getRevision()).isEqualTo(3);
    // a txn whose branch has no writes does not create a revision
    io.etcd.jetcd.kv.TxnResponse readOnly = get(kv.txn().Then(Op.get(bytes("w/a"), GetOption.DEFAULT)).commit());
    assertThat(readOnly.getHeader().getRevision()).isEqualTo(3);
  }

  @Test
  void nestedTxn() {
    put("n/k", "outer", PutOption.DEFAULT); // 2
    Cmp innerCmp = new Cmp(bytes("n/k"), Cmp.Op.EQUAL, CmpTarget.value(bytes("nope")));
    io.etcd.jetcd.kv.TxnResponse r = get(kv.txn()
        .If(new Cmp(bytes("n/k"), Cmp.Op.EQUAL, CmpTarget.value(bytes("outer"))))
        .Then(Op.put(bytes("n/a"), bytes("1"), PutOption.DEFAULT),
            Op.txn(new Cmp[] {innerCmp},
                new Op[] {Op.put(bytes("n/inner-then"), bytes("x"), PutOption.DEFAULT)},
                new Op[] {Op.put(bytes("n/inner-else"), bytes("y"), PutOption.DEFAULT),
                    Op.get(bytes("n/a"), GetOption.DEFAULT)}))
        .commit());
    assertThat(r.isSucceeded()).isTrue();
    assertThat(r.getTxnResponses()).singleElement().satisfies(inner -> {
      assertThat(inner.isSucceeded()).isFalse();
      assertThat(inner.getPutResponses()).hasSize(1);
      assertThat(keys(inner.getGetResponses().get(0))).containsExactly("n/a");
    });
    GetResponse all = get(kv.get(bytes("n/"), GetOption.builder().isPrefix(true).build()));
    assertThat(keys(all)).containsExactly("n/a", "n/inner-else", "n/k");
    assertThat(all.getHeader().getRevision()).isEqualTo(3);
    assertThat(single(get(kv.get(bytes("n/inner-else")))).getModRevision()).isEqualTo(3);
  }

  @Test
  void leaseCompareThroughGrpc() throws Exception {
    long lease = client.getLeaseClient().grant(120).get().getID();
    put("l/with", "v", PutOption.builder().withLeaseId(lease).build());
    put("l/without", "v", PutOption.DEFAULT);
    assertThat(single(get(kv.get(bytes("l/with")))).getLease()).isEqualTo(lease);
    ManagedChannel channel = Clients.channel(member);
    try {
      KVGrpc.KVBlockingStub stub = KVGrpc.newBlockingStub(channel);
      assertThat(stub.txn(leaseTxn("l/with", Compare.CompareResult.EQUAL, lease)).getSucceeded()).isTrue();
      assertThat(stub.txn(leaseTxn("l/with", Compare.CompareResult.NOT_EQUAL, lease)).getSucceeded()).isFalse();
      assertThat(stub.txn(leaseTxn("l/without", Compare.CompareResult.EQUAL, 0)).getSucceeded()).isTrue();
      assertThat(stub.txn(leaseTxn("l/with", Compare.CompareResult.GREATER, 0)).getSucceeded()).isTrue();
      assertThat(stub.txn(leaseTxn("l/absent", Compare.CompareResult.EQUAL, 0)).getSucceeded()).isTrue();
    } finally {
      Clients.close(channel);
    }
  }

  @Test
  void compactionErrors() {
    for (int i = 0; i < 6; i++) {
      put("c/k", "v" + i, PutOption.DEFAULT); // revisions 2..7
    }
    get(kv.compact(4));
    Throwable compacted = failure(kv.get(bytes("c/k"), GetOption.builder().withRevision(3).build()));
    assertEtcdError(compacted, Status.Code.OUT_OF_RANGE, COMPACTED);
    assertThat(str(single(get(kv.get(bytes("c/k"), GetOption.builder().withRevision(4).build()))).getValue()))
        .isEqualTo("v2");
    assertEtcdError(failure(kv.compact(4)), Status.Code.OUT_OF_RANGE, COMPACTED);
    assertEtcdError(failure(kv.compact(3)), Status.Code.OUT_OF_RANGE, COMPACTED);
    get(kv.compact(6, CompactOption.builder().withCompactPhysical(true).build()));
    assertEtcdError(failure(kv.get(bytes("c/k"), GetOption.builder().withRevision(5).build())),
        Status.Code.OUT_OF_RANGE, "etcdserver: mvcc: required revision has been compacted");
    assertEtcdError(failure(kv.get(bytes("c/k"), GetOption.builder().withRevision(100).build())),
        Status.Code.OUT_OF_RANGE, "etcdserver: mvcc: required revision is a future revision");
    assertEtcdError(failure(kv.compact(100)), Status.Code.OUT_OF_RANGE,
        "etcdserver: mvcc: required revision is a future revision");
    GetResponse now = get(kv.get(bytes("c/k")));
    assertThat(str(single(now).getValue())).isEqualTo("v5");
    assertThat(now.getHeader().getRevision()).as("compaction does not create a revision").isEqualTo(7);
  }

  @Test
  void requestValidationErrors() {
    // 129 operations (default --max-txn-ops is 128)
    List<Op> ops = new ArrayList<>();
    for (int i = 0; i < 129; i++) {
      ops.add(Op.put(bytes("m/" + i), bytes("v"), PutOption.DEFAULT));
    }
    assertEtcdError(failure(kv.txn().Then(ops.toArray(Op[]::new)).commit()),
        Status.Code.INVALID_ARGUMENT, "etcdserver: too many operations in txn request");
    assertThat(get(kv.txn().Then(ops.subList(0, 128).toArray(Op[]::new)).commit()).isSucceeded()).isTrue();

    assertEtcdError(failure(kv.txn().Then(Op.put(bytes("dup"), bytes("1"), PutOption.DEFAULT),
        Op.put(bytes("dup"), bytes("2"), PutOption.DEFAULT)).commit()),
        Status.Code.INVALID_ARGUMENT, "etcdserver: duplicate key given in txn request");

    assertEtcdError(failure(kv.put(bytes("l/k"), bytes("v"), PutOption.builder().withLeaseId(0x1234abcdL).build())),
        Status.Code.NOT_FOUND, "etcdserver: requested lease not found");

    byte[] big = new byte[1536 * 1024 + 1024];
    assertEtcdError(failure(kv.put(bytes("big"), ByteSequence.from(big))), Status.Code.INVALID_ARGUMENT,
        "etcdserver: request is too large");

    ManagedChannel channel = Clients.channel(member);
    try {
      KVGrpc.KVBlockingStub stub = KVGrpc.newBlockingStub(channel);
      assertThatThrownBy(() -> stub.put(PutRequest.newBuilder().setValue(ByteString.copyFromUtf8("v")).build()))
          .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(e.getStatus().getDescription()).isEqualTo("etcdserver: key is not provided");
          });
      assertThatThrownBy(() -> stub.range(RangeRequest.newBuilder().build()))
          .isInstanceOfSatisfying(StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getDescription()).isEqualTo("etcdserver: key is not provided"));
      assertThatThrownBy(() -> stub.put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("iv/missing"))
          .setIgnoreValue(true).build()))
          .isInstanceOfSatisfying(StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getDescription()).isEqualTo("etcdserver: key not found"));
      assertThatThrownBy(() -> stub.put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("iv/k"))
          .setValue(ByteString.copyFromUtf8("v")).setIgnoreValue(true).build()))
          .isInstanceOfSatisfying(StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getDescription()).isEqualTo("etcdserver: value is provided"));
    } finally {
      Clients.close(channel);
    }
    GetResponse nothing = get(kv.get(bytes("dup")));
    assertThat(nothing.getKvs()).isEmpty();
    assertThat(nothing.getHeader().getRevision()).as("only the 128-op txn was applied").isEqualTo(2);
  }

  /**
   * jetcd's bundled protos predate the LEASE compare target, so the target (enum value 4) and the
   * {@code lease} field (number 8, int64) of etcdserverpb.Compare are set by number.
   */
  private static TxnRequest leaseTxn(String key, Compare.CompareResult result, long lease) {
    UnknownFieldSet leaseField = UnknownFieldSet.newBuilder()
        .addField(8, UnknownFieldSet.Field.newBuilder().addVarint(lease).build()).build();
    return TxnRequest.newBuilder()
        .addCompare(Compare.newBuilder().setKey(ByteString.copyFromUtf8(key))
            .setTargetValue(4).setResult(result).setUnknownFields(leaseField))
        .addSuccess(RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder()
            .setKey(ByteString.copyFromUtf8(key))))
        .build();
  }

  /**
   * The error text must be exactly etcd's. jetcd 0.8.5 hands KV errors through as gRPC
   * {@link StatusRuntimeException}s (older versions wrapped them in {@link EtcdException}).
   */
  private static void assertEtcdError(Throwable t, Status.Code code, String message) {
    if (t instanceof StatusRuntimeException sre) {
      assertThat(sre.getStatus().getCode()).as("gRPC status of '%s'", message).isEqualTo(code);
      assertThat(sre.getStatus().getDescription()).isEqualTo(message);
    } else {
      assertThat(t).isInstanceOf(EtcdException.class);
      assertThat(t.getMessage()).isEqualTo(message);
    }
  }

  private PutResponse put(String key, String value, PutOption option) {
    return get(kv.put(bytes(key), bytes(value), option));
  }

  private void populate() {
    String[][] writes = {{"g/a", "5"}, {"g/b", "4"}, {"g/c", "3"}, {"g/a", "9"}, {"g/d", "1"}, {"g/e", "2"},
        {"g/b", "7"}, {"g/b", "0"}};
    for (String[] w : writes) {
      put(w[0], w[1], PutOption.DEFAULT);
    }
  }

  private static KeyValue single(GetResponse r) {
    assertThat(r.getKvs()).hasSize(1);
    return r.getKvs().get(0);
  }

  private static List<String> keys(GetResponse r) {
    return r.getKvs().stream().map(k -> str(k.getKey())).collect(Collectors.toList());
  }
}
