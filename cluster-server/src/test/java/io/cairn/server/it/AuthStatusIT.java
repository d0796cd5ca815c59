package io.cairn.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Empty;
import com.google.protobuf.UnknownFieldSet;
import io.cairn.server.testing.Clients;
import io.cairn.server.testing.Etcdctl;
import io.cairn.server.testing.MemberProcess;
import io.cairn.server.testing.ServerKind;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * etcd 3.5's {@code Auth/AuthStatus} (newer than Debian's etcd 3.4 and than jetcd's generated
 * classes, so called here with raw bytes): whether auth is on, and the auth revision, which every
 * change of users, roles or permissions moves.
 */
class AuthStatusIT {
  /**
   * AuthStatusResponse: header = 1, enabled = 2, authRevision = 3. An {@code Empty} keeps the
   * fields it does not know, which is how they are read here.
   */
  private static final MethodDescriptor<Empty, Empty> AUTH_STATUS =
      MethodDescriptor.<Empty, Empty>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName("etcdserverpb.Auth/AuthStatus")
          .setRequestMarshaller(ProtoUtils.marshaller(Empty.getDefaultInstance()))
          .setResponseMarshaller(ProtoUtils.marshaller(Empty.getDefaultInstance()))
          .build();

  @Test
  void reportsWhetherAuthIsOnAndItsRevision(TestInfo info) throws Exception {
    Assumptions.assumeTrue(ServerKind.underTest() == ServerKind.CAIRN,
        "AuthStatus is etcd 3.5 API; the reference etcd here is 3.4");
    try (MemberProcess m = MemberProcess.builder(info).startReady()) {
      ManagedChannel ch = Clients.channel(m);
      try {
        UnknownFieldSet off = status(ch);
        assertThat(enabled(off)).isFalse();
        long before = revision(off);
        Etcdctl ctl = Etcdctl.of(m);
        ctl.ok("user", "add", "root", "--new-user-password=rootpw", "--interactive=false");
        ctl.ok("role", "add", "r");
        ctl.ok("auth", "enable");
        assertThat(ctl.ok("--user=root:rootpw", "user", "list")).contains("root");
        ctl.ok("--user=root:rootpw", "auth", "disable");
        UnknownFieldSet after = status(ch);
        assertThat(enabled(after)).isFalse();
        assertThat(revision(after)).as("users and roles moved the auth revision")
            .isGreaterThan(before);
      } finally {
        Clients.close(ch);
      }
    }
  }

  private static UnknownFieldSet status(ManagedChannel ch) {
    return ClientCalls.blockingUnaryCall(ch, AUTH_STATUS,
        CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), Empty.getDefaultInstance())
        .getUnknownFields();
  }

  private static boolean enabled(UnknownFieldSet s) {
    var f = s.getField(2);
    return f != null && !f.getVarintList().isEmpty() && f.getVarintList().get(0) != 0;
  }

  private static long revision(UnknownFieldSet s) {
    var f = s.getField(3);
    return f == null || f.getVarintList().isEmpty() ? 0 : f.getVarintList().get(0);
  }
}
