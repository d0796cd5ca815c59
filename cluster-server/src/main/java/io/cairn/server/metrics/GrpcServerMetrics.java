package io.cairn.server.metrics;

import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.prometheus.metrics.core.metrics.Counter;

/**
 * The {@code grpc_server_*} counters that etcd exposes through go-grpc-prometheus, with its
 * label names and values: {@code grpc_type} ({@code unary}, {@code client_stream}, {@code
 * server_stream}, {@code bidi_stream}) and {@code grpc_code} in Go's spelling ({@code OK},
 * {@code Canceled}, {@code DeadlineExceeded}, ...).
 */
public final class GrpcServerMetrics {
  private final Counter started;
  private final Counter handled;
  private final Counter received;
  private final Counter sent;

  GrpcServerMetrics(Families f) {
    started = f.counter("grpc_server_started_total",
        "Total number of RPCs started on the server.",
        "grpc_type", "grpc_service", "grpc_method");
    handled = f.counter("grpc_server_handled_total",
        "Total number of RPCs completed on the server, regardless of success or failure.",
        "grpc_type", "grpc_service", "grpc_method", "grpc_code");
    received = f.counter("grpc_server_msg_received_total",
        "Total number of RPC stream messages received on the server.",
        "grpc_type", "grpc_service", "grpc_method");
    sent = f.counter("grpc_server_msg_sent_total",
        "Total number of gRPC stream messages sent by the server.",
        "grpc_type", "grpc_service", "grpc_method");
  }

  /** Creates the zero series of a method, as go-grpc-prometheus does for registered services. */
  void initialize(MethodDescriptor<?, ?> m) {
    String type = type(m);
    String service = m.getServiceName();
    String method = m.getBareMethodName();
    started.initLabelValues(type, service, method);
    received.initLabelValues(type, service, method);
    sent.initLabelValues(type, service, method);
    for (Status.Code code : Status.Code.values()) {
      handled.initLabelValues(type, service, method, goCode(code));
    }
  }

  void started(MethodDescriptor<?, ?> m) {
    started.labelValues(type(m), m.getServiceName(), m.getBareMethodName()).inc();
  }

  void received(MethodDescriptor<?, ?> m) {
    received.labelValues(type(m), m.getServiceName(), m.getBareMethodName()).inc();
  }

  void sent(MethodDescriptor<?, ?> m) {
    sent.labelValues(type(m), m.getServiceName(), m.getBareMethodName()).inc();
  }

  void handled(MethodDescriptor<?, ?> m, Status.Code code) {
    handled.labelValues(type(m), m.getServiceName(), m.getBareMethodName(), goCode(code)).inc();
  }

  static String type(MethodDescriptor<?, ?> m) {
    return switch (m.getType()) {
      case UNARY -> "unary";
      case CLIENT_STREAMING -> "client_stream";
      case SERVER_STREAMING -> "server_stream";
      case BIDI_STREAMING -> "bidi_stream";
      default -> "unknown";
    };
  }

  /** The name Go's {@code codes.Code.String()} gives a status code. */
  static String goCode(Status.Code code) {
    return switch (code) {
      case OK -> "OK";
      case CANCELLED -> "Canceled";
      case UNKNOWN -> "Unknown";
      case INVALID_ARGUMENT -> "InvalidArgument";
      case DEADLINE_EXCEEDED -> "DeadlineExceeded";
      case NOT_FOUND -> "NotFound";
      case ALREADY_EXISTS -> "AlreadyExists";
      case PERMISSION_DENIED -> "PermissionDenied";
      case RESOURCE_EXHAUSTED -> "ResourceExhausted";
      case FAILED_PRECONDITION -> "FailedPrecondition";
      case ABORTED -> "Aborted";
      case OUT_OF_RANGE -> "OutOfRange";
      case UNIMPLEMENTED -> "Unimplemented";
      case INTERNAL -> "Internal";
      case UNAVAILABLE -> "Unavailable";
      case DATA_LOSS -> "DataLoss";
      case UNAUTHENTICATED -> "Unauthenticated";
    };
  }
}
