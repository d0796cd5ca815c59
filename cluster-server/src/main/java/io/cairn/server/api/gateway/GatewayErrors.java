package io.cairn.server.api.gateway;

import io.grpc.Status;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Error answers as etcd 3.5's grpc-gateway (v1.16) writes them: the HTTP status from the gRPC code,
 * and a body with the status message twice and the code number,
 * {@code {"error":"etcdserver: key is not provided","code":3,"message":"etcdserver: key is not
 * provided"}} (empty strings left out, as its JSON marshaller does). An error inside a stream that
 * has already started is one chunk {@code {"error":{"grpc_code":..,"http_code":..,"message":..,
 * "http_status":..}}}.
 */
final class GatewayErrors {
  private GatewayErrors() {}

  /** grpc-gateway v1's {@code HTTPStatusFromCode}. */
  static int httpStatus(Status.Code code) {
    return switch (code) {
      case OK -> 200;
      case CANCELLED -> 408;
      case UNKNOWN, INTERNAL, DATA_LOSS -> 500;
      case INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE -> 400;
      case DEADLINE_EXCEEDED -> 504;
      case NOT_FOUND -> 404;
      case ALREADY_EXISTS, ABORTED -> 409;
      case PERMISSION_DENIED -> 403;
      case UNAUTHENTICATED -> 401;
      case RESOURCE_EXHAUSTED -> 429;
      case UNIMPLEMENTED -> 501;
      case UNAVAILABLE -> 503;
    };
  }

  static HttpResponseStatus responseStatus(Status status) {
    return HttpResponseStatus.valueOf(httpStatus(status.getCode()));
  }

  static String message(Status status) {
    return status.getDescription() == null ? "" : status.getDescription();
  }

  /** The body of a failed unary call (or of a stream that failed before its first message). */
  static String body(Status status) {
    String m = message(status);
    StringBuilder sb = new StringBuilder("{");
    if (!m.isEmpty()) {
      sb.append("\"error\":");
      JsonWriter.quote(m, sb);
      sb.append(',');
    }
    sb.append("\"code\":").append(status.getCode().value());
    if (!m.isEmpty()) {
      sb.append(",\"message\":");
      JsonWriter.quote(m, sb);
    }
    return sb.append('}').toString();
  }

  /** The chunk that ends a stream which fails after it started. */
  static String streamChunk(Status status) {
    int http = httpStatus(status.getCode());
    String m = message(status);
    StringBuilder sb = new StringBuilder("{\"error\":{");
    sb.append("\"grpc_code\":").append(status.getCode().value());
    sb.append(",\"http_code\":").append(http);
    if (!m.isEmpty()) {
      sb.append(",\"message\":");
      JsonWriter.quote(m, sb);
    }
    sb.append(",\"http_status\":");
    JsonWriter.quote(HttpResponseStatus.valueOf(http).reasonPhrase(), sb);
    return sb.append("}}").toString();
  }
}
