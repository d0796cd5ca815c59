package io.cairn.server.api.gateway;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.function.Function;

/**
 * The response observer handed to a service: writes a unary answer when the call completes, or a
 * stream of {@code {"result":...}} lines (grpc-gateway's streaming envelope, one JSON object and a
 * newline per message). It is a {@link ServerCallStreamObserver} so that services may register a
 * cancel handler and poll {@link #isCancelled()} exactly as under a real gRPC server.
 */
final class HttpObserver<T> extends ServerCallStreamObserver<T> {
  private final GatewayCall call;
  private final boolean streaming;
  private final Function<T, String> printer;
  private T value;
  private boolean headWritten;
  private boolean closed;

  HttpObserver(GatewayCall call, boolean streaming, Function<T, String> printer) {
    this.call = call;
    this.streaming = streaming;
    this.printer = printer;
  }

  @Override
  public synchronized void onNext(T v) {
    if (closed) {
      throw Status.INTERNAL.withDescription("call already closed").asRuntimeException();
    }
    if (!streaming) {
      if (value != null) {
        throw Status.INTERNAL.withDescription("Too many responses").asRuntimeException();
      }
      value = v;
      return;
    }
    String json = "{\"result\":" + printer.apply(v) + "}\n";
    if (!headWritten) {
      headWritten = true;
      call.writeHead();
    }
    call.writeChunk(json);
  }

  @Override
  public synchronized void onError(Throwable t) {
    if (closed) {
      return;
    }
    closed = true;
    Status s = Status.fromThrowable(t);
    if (headWritten) {
      call.writeChunk(GatewayErrors.streamChunk(s));
      call.writeEnd();
    } else {
      call.writeError(s);
    }
  }

  @Override
  public synchronized void onCompleted() {
    if (closed) {
      return;
    }
    closed = true;
    if (!streaming) {
      if (value == null) {
        call.writeError(Status.INTERNAL.withDescription("No value received for unary call"));
      } else {
        call.writeOk(printer.apply(value));
      }
      return;
    }
    if (!headWritten) {
      headWritten = true;
      call.writeHead();
    }
    call.writeEnd();
  }

  @Override
  public boolean isCancelled() {
    return call.isCancelled();
  }

  @Override
  public void setOnCancelHandler(Runnable onCancelHandler) {
    call.setOnCancel(onCancelHandler);
  }

  @Override
  public void setCompression(String compression) {}

  @Override
  public boolean isReady() {
    return call.ctx.channel().isWritable();
  }

  @Override
  public void setOnReadyHandler(Runnable onReadyHandler) {}

  @Override
  public void disableAutoInboundFlowControl() {}

  @Override
  public void request(int count) {}

  @Override
  public void setMessageCompression(boolean enable) {}
}
