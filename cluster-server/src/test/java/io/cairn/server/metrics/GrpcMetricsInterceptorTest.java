package io.cairn.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GrpcMetricsInterceptorTest {
  private static final MethodDescriptor.Marshaller<String> UTF8 =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(String value) {
          return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
          try {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };
  private static final MethodDescriptor<String, String> SAY =
      MethodDescriptor.<String, String>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName("test.Echo/Say")
          .setRequestMarshaller(UTF8)
          .setResponseMarshaller(UTF8)
          .build();
  private static final MethodDescriptor<String, String> REPEAT =
      MethodDescriptor.<String, String>newBuilder()
          .setType(MethodDescriptor.MethodType.SERVER_STREAMING)
          .setFullMethodName("test.Echo/Repeat")
          .setRequestMarshaller(UTF8)
          .setResponseMarshaller(UTF8)
          .build();

  private final EtcdMetrics metrics = new EtcdMetrics("3.5.17");
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws IOException {
    ServerServiceDefinition echo =
        ServerServiceDefinition.builder("test.Echo")
            .addMethod(SAY, ServerCalls.asyncUnaryCall((req, out) -> {
              if (req.equals("bad")) {
                out.onError(Status.INVALID_ARGUMENT.withDescription("bad").asRuntimeException());
                return;
              }
              out.onNext("hello " + req);
              out.onCompleted();
            }))
            .addMethod(REPEAT, ServerCalls.asyncServerStreamingCall((req, out) -> {
              for (int i = 0; i < 3; i++) {
                out.onNext(req);
              }
              out.onCompleted();
            }))
            .build();
    GrpcMetricsInterceptor interceptor = new GrpcMetricsInterceptor(metrics);
    interceptor.initialize(List.of(echo));
    String name = InProcessServerBuilder.generateName();
    server =
        InProcessServerBuilder.forName(name)
            .directExecutor()
            .addService(echo)
            .intercept(interceptor)
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  }

  @AfterEach
  void stop() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    metrics.close();
  }

  private List<String> lines() {
    return Arrays.asList(metrics.scrape().split("\n"));
  }

  @Test
  void zeroSeriesExistBeforeAnyCall() {
    assertThat(lines())
        .contains(
            "# HELP grpc_server_started_total Total number of RPCs started on the server.",
            "# TYPE grpc_server_started_total counter",
            "grpc_server_started_total{grpc_method=\"Say\",grpc_service=\"test.Echo\","
                + "grpc_type=\"unary\"} 0",
            "grpc_server_handled_total{grpc_code=\"Unauthenticated\",grpc_method=\"Say\","
                + "grpc_service=\"test.Echo\",grpc_type=\"unary\"} 0",
            "grpc_server_handled_total{grpc_code=\"Canceled\",grpc_method=\"Repeat\","
                + "grpc_service=\"test.Echo\",grpc_type=\"server_stream\"} 0");
    assertThat(lines().stream().filter(l -> l.startsWith("grpc_server_handled_total{")))
        .hasSize(2 * 17);
  }

  @Test
  void countsStartedHandledAndMessagesByCode() {
    assertThat(ClientCalls.blockingUnaryCall(channel, SAY, CallOptions.DEFAULT, "a"))
        .isEqualTo("hello a");
    assertThat(ClientCalls.blockingUnaryCall(channel, SAY, CallOptions.DEFAULT, "b"))
        .isEqualTo("hello b");
    assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(channel, SAY, CallOptions.DEFAULT,
            "bad"))
        .isInstanceOf(StatusRuntimeException.class);
    Iterator<String> it =
        ClientCalls.blockingServerStreamingCall(channel, REPEAT, CallOptions.DEFAULT, "x");
    int n = 0;
    while (it.hasNext()) {
      it.next();
      n++;
    }
    assertThat(n).isEqualTo(3);

    String say = "grpc_method=\"Say\",grpc_service=\"test.Echo\",grpc_type=\"unary\"";
    String repeat =
        "grpc_method=\"Repeat\",grpc_service=\"test.Echo\",grpc_type=\"server_stream\"";
    assertThat(lines())
        .contains(
            "grpc_server_started_total{" + say + "} 3",
            "grpc_server_handled_total{grpc_code=\"OK\"," + say + "} 2",
            "grpc_server_handled_total{grpc_code=\"InvalidArgument\"," + say + "} 1",
            "grpc_server_msg_received_total{" + say + "} 3",
            "grpc_server_msg_sent_total{" + say + "} 2",
            "grpc_server_started_total{" + repeat + "} 1",
            "grpc_server_handled_total{grpc_code=\"OK\"," + repeat + "} 1",
            "grpc_server_msg_received_total{" + repeat + "} 1",
            "grpc_server_msg_sent_total{" + repeat + "} 3",
            "cairn_request_duration_seconds_count{method=\"test.Echo/Say\"} 3",
            "cairn_request_duration_seconds_count{method=\"test.Echo/Repeat\"} 1");
  }

  @Test
  void goCodeNamesMatchGo() {
    assertThat(GrpcServerMetrics.goCode(Status.Code.CANCELLED)).isEqualTo("Canceled");
    assertThat(GrpcServerMetrics.goCode(Status.Code.DEADLINE_EXCEEDED))
        .isEqualTo("DeadlineExceeded");
    assertThat(GrpcServerMetrics.goCode(Status.Code.RESOURCE_EXHAUSTED))
        .isEqualTo("ResourceExhausted");
  }
}
