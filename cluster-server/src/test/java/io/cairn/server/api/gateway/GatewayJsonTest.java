package io.cairn.server.api.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import com.google.protobuf.UnknownFieldSet;
import io.etcd.jetcd.api.AlarmMember;
import io.etcd.jetcd.api.AlarmResponse;
import io.etcd.jetcd.api.AlarmType;
import io.etcd.jetcd.api.AuthUserAddRequest;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.DeleteRangeResponse;
import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.HashKVResponse;
import io.etcd.jetcd.api.HashResponse;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.Member;
import io.etcd.jetcd.api.MemberListRequest;
import io.etcd.jetcd.api.MemberListResponse;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.Status;
import org.junit.jupiter.api.Test;

class GatewayJsonTest {
  private static final ResponseHeader HEADER = ResponseHeader.newBuilder()
      .setClusterId(-1L).setMemberId(42).setRevision(7).setRaftTerm(2).build();

  private static <B extends Message.Builder> B parse(String json, B b) throws Exception {
    GatewayJson.merge(JsonText.parse(json), b);
    return b;
  }

  private static ByteString bs(String s) {
    return ByteString.copyFromUtf8(s);
  }

  @Test
  void rangeResponseUsesProtoNamesStringInt64sAndBase64() {
    RangeResponse r = RangeResponse.newBuilder().setHeader(HEADER)
        .addKvs(KeyValue.newBuilder().setKey(bs("foo")).setValue(bs("bar"))
            .setCreateRevision(2).setModRevision(2).setVersion(1))
        .setCount(1).build();
    assertThat(GatewayJson.print(r)).isEqualTo(
        "{\"header\":{\"cluster_id\":\"18446744073709551615\",\"member_id\":\"42\","
            + "\"revision\":\"7\",\"raft_term\":\"2\"},"
            + "\"kvs\":[{\"key\":\"Zm9v\",\"create_revision\":\"2\",\"mod_revision\":\"2\","
            + "\"version\":\"1\",\"value\":\"YmFy\"}],\"count\":\"1\"}");
  }

  @Test
  void defaultValuesAreLeftOut() {
    assertThat(GatewayJson.print(RangeResponse.getDefaultInstance())).isEqualTo("{}");
    assertThat(GatewayJson.print(DeleteRangeResponse.newBuilder()
        .setHeader(ResponseHeader.newBuilder().setRevision(3)).build()))
        .isEqualTo("{\"header\":{\"revision\":\"3\"}}");
  }

  @Test
  void enumsByNameAndUint32AsNumber() {
    WatchResponse w = WatchResponse.newBuilder().addEvents(Event.newBuilder()
        .setType(Event.EventType.DELETE).setKv(KeyValue.newBuilder().setKey(bs("k"))
            .setModRevision(4))).build();
    assertThat(GatewayJson.print(w))
        .isEqualTo("{\"events\":[{\"type\":\"DELETE\",\"kv\":{\"key\":\"aw==\",\"mod_revision\":\"4\"}}]}");
    assertThat(GatewayJson.print(HashResponse.newBuilder().setHash(-1).build()))
        .isEqualTo("{\"hash\":4294967295}");
    Member m = Member.newBuilder().setID(1).setName("a").addPeerURLs("http://p").build();
    assertThat(GatewayJson.print(MemberListResponse.newBuilder().addMembers(m).build()))
        .isEqualTo("{\"members\":[{\"ID\":\"1\",\"name\":\"a\",\"peerURLs\":[\"http://p\"]}]}");
  }

  @Test
  void enumValuesTheClassesLackArePrintedByName() {
    AlarmResponse r = AlarmResponse.newBuilder()
        .addAlarms(AlarmMember.newBuilder().setMemberID(1).setAlarmValue(2))
        .addAlarms(AlarmMember.newBuilder().setMemberID(1).setAlarm(AlarmType.NOSPACE)).build();
    assertThat(GatewayJson.print(r)).isEqualTo("{\"alarms\":[{\"memberID\":\"1\",\"alarm\":\"CORRUPT\"},"
        + "{\"memberID\":\"1\",\"alarm\":\"NOSPACE\"}]}");
  }

  @Test
  void extraResponseFieldsArePrintedInFieldOrder() {
    WatchResponse w = WatchResponse.newBuilder().setWatchId(1)
        .addEvents(Event.newBuilder().setKv(KeyValue.newBuilder().setKey(bs("k"))))
        .setUnknownFields(UnknownFieldSet.newBuilder()
            .addField(7, UnknownFieldSet.Field.newBuilder().addVarint(1).build()).build())
        .build();
    assertThat(GatewayJson.print(w)).isEqualTo(
        "{\"watch_id\":\"1\",\"fragment\":true,\"events\":[{\"kv\":{\"key\":\"aw==\"}}]}");
    HashKVResponse h = HashKVResponse.newBuilder().setHash(5).setCompactRevision(3)
        .setUnknownFields(UnknownFieldSet.newBuilder()
            .addField(4, UnknownFieldSet.Field.newBuilder().addVarint(9).build()).build())
        .build();
    assertThat(GatewayJson.print(h))
        .isEqualTo("{\"hash\":5,\"compact_revision\":\"3\",\"hash_revision\":\"9\"}");
    // an unset or zero extra is left out like any default
    HashKVResponse zero = h.toBuilder().setUnknownFields(UnknownFieldSet.newBuilder()
        .addField(4, UnknownFieldSet.Field.newBuilder().addVarint(0).build()).build()).build();
    assertThat(GatewayJson.print(zero)).isEqualTo("{\"hash\":5,\"compact_revision\":\"3\"}");
  }

  @Test
  void requestsAcceptProtoAndCamelNamesNumbersAndStrings() throws Exception {
    RangeRequest a = (RangeRequest) parse(
        "{\"key\":\"Zm9v\",\"range_end\":\"Zm9w\",\"limit\":\"2\",\"revision\":3,"
            + "\"sort_order\":\"DESCEND\",\"sortTarget\":\"MOD\",\"keysOnly\":true,\"unknown\":[1]}",
        RangeRequest.newBuilder()).build();
    assertThat(a.getKey().toStringUtf8()).isEqualTo("foo");
    assertThat(a.getRangeEnd().toStringUtf8()).isEqualTo("fop");
    assertThat(a.getLimit()).isEqualTo(2);
    assertThat(a.getRevision()).isEqualTo(3);
    assertThat(a.getSortOrder()).isEqualTo(RangeRequest.SortOrder.DESCEND);
    assertThat(a.getSortTarget()).isEqualTo(RangeRequest.SortTarget.MOD);
    assertThat(a.getKeysOnly()).isTrue();
    LeaseGrantRequest l = (LeaseGrantRequest) parse("{\"TTL\":60,\"ID\":\"7\"}",
        LeaseGrantRequest.newBuilder()).build();
    assertThat(l.getTTL()).isEqualTo(60);
    assertThat(l.getID()).isEqualTo(7);
    // url-safe and unpadded base64 are accepted too
    PutRequest p = (PutRequest) parse("{\"key\":\"-_8\",\"value\":null}", PutRequest.newBuilder())
        .build();
    assertThat(p.getKey().toByteArray()).containsExactly(0xfb, 0xff);
  }

  @Test
  void compareWithoutResultIsEqualAndLeaseTargetGoesToTheWire() throws Exception {
    TxnRequest t = (TxnRequest) parse("{\"compare\":[{\"key\":\"YQ==\",\"target\":\"VALUE\","
        + "\"value\":\"MQ==\"},{\"key\":\"YQ==\",\"target\":\"LEASE\",\"result\":\"GREATER\","
        + "\"lease\":\"5\"}],\"success\":[{\"request_put\":{\"key\":\"YQ==\",\"value\":\"Mg==\"}}],"
        + "\"failure\":[{\"requestRange\":{\"key\":\"YQ==\"}}]}", TxnRequest.newBuilder()).build();
    Compare c0 = t.getCompare(0);
    assertThat(c0.getResult()).isEqualTo(Compare.CompareResult.EQUAL);
    assertThat(c0.getTarget()).isEqualTo(Compare.CompareTarget.VALUE);
    Compare c1 = t.getCompare(1);
    assertThat(c1.getTargetValue()).isEqualTo(4);
    assertThat(c1.getResult()).isEqualTo(Compare.CompareResult.GREATER);
    assertThat(c1.getUnknownFields().getField(8).getVarintList()).containsExactly(5L);
    // Re-parsed from the wire, the unknown field survives (the server sees it).
    Compare wire = Compare.parseFrom(c1.toByteArray());
    assertThat(wire.getUnknownFields().getField(8).getVarintList()).containsExactly(5L);
    assertThat(t.getSuccess(0).getRequestPut().getValue().toStringUtf8()).isEqualTo("2");
    assertThat(t.getFailure(0).getRequestCase()).isEqualTo(RequestOp.RequestCase.REQUEST_RANGE);
  }

  @Test
  void watchCreateExtrasBecomeUnknownFields() throws Exception {
    WatchRequest w = (WatchRequest) parse("{\"create_request\":{\"key\":\"Zm9v\",\"watch_id\":\"3\","
        + "\"fragment\":true,\"filters\":[\"NODELETE\"],\"prev_kv\":true}}", WatchRequest.newBuilder())
        .build();
    WatchCreateRequest c = WatchCreateRequest.parseFrom(w.getCreateRequest().toByteArray());
    assertThat(c.getUnknownFields().getField(7).getVarintList()).containsExactly(3L);
    assertThat(c.getUnknownFields().getField(8).getVarintList()).containsExactly(1L);
    assertThat(c.getFiltersList()).containsExactly(WatchCreateRequest.FilterType.NODELETE);
    assertThat(c.getPrevKv()).isTrue();
    WatchRequest camel = (WatchRequest) parse("{\"createRequest\":{\"watchId\":4}}",
        WatchRequest.newBuilder()).build();
    assertThat(camel.getCreateRequest().getUnknownFields().getField(7).getVarintList())
        .containsExactly(4L);
    MemberListRequest ml = (MemberListRequest) parse("{\"linearizable\":true}",
        MemberListRequest.newBuilder()).build();
    assertThat(ml.getUnknownFields().getField(1).getVarintList()).containsExactly(1L);
    AuthUserAddRequest ua = (AuthUserAddRequest) parse(
        "{\"name\":\"u\",\"options\":{\"no_password\":true}}", AuthUserAddRequest.newBuilder())
        .build();
    UnknownFieldSet opts = UnknownFieldSet.parseFrom(
        ua.getUnknownFields().getField(3).getLengthDelimitedList().get(0));
    assertThat(opts.getField(1).getVarintList()).containsExactly(1L);
  }

  @Test
  void badRequestsAreMappingErrors() {
    assertThatThrownBy(() -> parse("{\"key\":5}", RangeRequest.newBuilder()))
        .isInstanceOf(GatewayJson.MappingError.class);
    assertThatThrownBy(() -> parse("{\"limit\":\"x\"}", RangeRequest.newBuilder()))
        .isInstanceOf(GatewayJson.MappingError.class);
    assertThatThrownBy(() -> parse("{\"limit\":1.5}", RangeRequest.newBuilder()))
        .isInstanceOf(GatewayJson.MappingError.class);
    assertThatThrownBy(() -> parse("{\"sort_order\":\"SIDEWAYS\"}", RangeRequest.newBuilder()))
        .isInstanceOf(GatewayJson.MappingError.class);
    assertThatThrownBy(() -> parse("[1]", RangeRequest.newBuilder()))
        .isInstanceOf(GatewayJson.MappingError.class)
        .hasMessage("json: cannot unmarshal array into Go value of type map[string]json.RawMessage");
  }

  @Test
  void syntaxErrorsAreWordedLikeGo() {
    assertThatThrownBy(() -> JsonText.parse("{bad"))
        .hasMessage("invalid character 'b' looking for beginning of object key string");
    assertThatThrownBy(() -> JsonText.parse("{\"a\":1"))
        .hasMessage("unexpected EOF");
    assertThatThrownBy(() -> JsonText.parse("{\"a\" 1}"))
        .hasMessage("invalid character '1' after object key");
    assertThatThrownBy(() -> JsonText.parse("{\"a\":1 2}"))
        .hasMessage("invalid character '2' after object key:value pair");
    assertThatThrownBy(() -> JsonText.parse("[1 2]"))
        .hasMessage("invalid character '2' after array element");
    assertThatThrownBy(() -> JsonText.parse("{\"a\":tru}"))
        .hasMessage("invalid character '}' in literal true (expecting 'e')");
    assertThatThrownBy(() -> JsonText.parse("x"))
        .hasMessage("invalid character 'x' looking for beginning of value");
  }

  @Test
  void streamBodiesHoldSeveralValues() throws Exception {
    JsonText t = new JsonText(" {\"a\":1}\n{\"b\":[true,null]} ");
    assertThat(t.atEnd()).isFalse();
    assertThat(JsonWriter.render(t.next())).isEqualTo("{\"a\":1}");
    assertThat(JsonWriter.render(t.next())).isEqualTo("{\"b\":[true,null]}");
    assertThat(t.atEnd()).isTrue();
  }

  @Test
  void stringsAreEscapedLikeGo() {
    assertThat(JsonWriter.quote("a<b>&\"\\\n\u0001\u2028")).isEqualTo(
        "\"a\\u003cb\\u003e\\u0026\\\"\\\\\\n\\u0001\\u2028\"");
  }

  @Test
  void errorBodiesAndStatusMapping() {
    Status s = Status.INVALID_ARGUMENT.withDescription("etcdserver: key is not provided");
    assertThat(GatewayErrors.body(s)).isEqualTo("{\"error\":\"etcdserver: key is not provided\","
        + "\"code\":3,\"message\":\"etcdserver: key is not provided\"}");
    assertThat(GatewayErrors.body(Status.UNKNOWN)).isEqualTo("{\"code\":2}");
    assertThat(GatewayErrors.streamChunk(Status.OUT_OF_RANGE.withDescription("m")))
        .isEqualTo("{\"error\":{\"grpc_code\":11,\"http_code\":400,\"message\":\"m\","
            + "\"http_status\":\"Bad Request\"}}");
    assertThat(GatewayErrors.httpStatus(Status.Code.NOT_FOUND)).isEqualTo(404);
    assertThat(GatewayErrors.httpStatus(Status.Code.FAILED_PRECONDITION)).isEqualTo(400);
    assertThat(GatewayErrors.httpStatus(Status.Code.ALREADY_EXISTS)).isEqualTo(409);
    assertThat(GatewayErrors.httpStatus(Status.Code.PERMISSION_DENIED)).isEqualTo(403);
    assertThat(GatewayErrors.httpStatus(Status.Code.UNAUTHENTICATED)).isEqualTo(401);
    assertThat(GatewayErrors.httpStatus(Status.Code.RESOURCE_EXHAUSTED)).isEqualTo(429);
    assertThat(GatewayErrors.httpStatus(Status.Code.UNIMPLEMENTED)).isEqualTo(501);
    assertThat(GatewayErrors.httpStatus(Status.Code.UNAVAILABLE)).isEqualTo(503);
    assertThat(GatewayErrors.httpStatus(Status.Code.DEADLINE_EXCEEDED)).isEqualTo(504);
    assertThat(GatewayErrors.httpStatus(Status.Code.CANCELLED)).isEqualTo(408);
    assertThat(GatewayErrors.httpStatus(Status.Code.DATA_LOSS)).isEqualTo(500);
  }

  @Test
  void runtimeDescribedMessagesMapLikeGeneratedOnes() throws Exception {
    DynamicMessage.Builder b = DynamicMessage.newBuilder(ExtraMethods.AUTH_STATUS_RESPONSE);
    GatewayJson.merge(JsonText.parse("{\"header\":{\"revision\":\"2\"},\"enabled\":true,"
        + "\"authRevision\":\"18446744073709551615\"}"), b);
    assertThat(GatewayJson.print(b.build())).isEqualTo(
        "{\"header\":{\"revision\":\"2\"},\"enabled\":true,\"authRevision\":\"18446744073709551615\"}");
    DynamicMessage.Builder l = DynamicMessage.newBuilder(ExtraMethods.LEASE_LEASES_RESPONSE);
    GatewayJson.merge(JsonText.parse("{\"leases\":[{\"ID\":\"7\"}]}"), l);
    assertThat(GatewayJson.print(l.build())).isEqualTo("{\"leases\":[{\"ID\":\"7\"}]}");
  }
}
