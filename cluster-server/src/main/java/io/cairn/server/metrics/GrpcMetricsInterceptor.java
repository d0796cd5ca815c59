package io.cairn.server.metrics;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Counts every gRPC call as go-grpc-prometheus does for etcd (started, handled by code, messages
 * received and sent) and records Cairn's per-method latency for calls that are not bidirectional
 * streams (a Watch or LeaseKeepAlive stream's lifetime is not a request latency).
 */
public final class GrpcMetricsInterceptor implements ServerInterceptor {
  private final GrpcServerMetrics grpc;
  private final CairnMetrics cairn;

  public GrpcMetricsInterceptor(EtcdMetrics metrics) {
    this.grpc = metrics.grpc();
    this.cairn = metrics.cairn();
  }

  /**
   * Creates the zero series of every method of {@code services}, so that a scrape lists them
   * before their first call, as etcd's does.
   */
  public void initialize(Iterable<ServerServiceDefinition> services) {
    for (ServerServiceDefinition s : services) {
      for (ServerMethodDefinition<?, ?> m : s.getMethods()) {
        grpc.initialize(m.getMethodDescriptor());
      }
    }
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    MethodDescriptor<Q, R> method = call.getMethodDescriptor();
    long start = System.nanoTime();
    AtomicBoolean done = new AtomicBoolean();
    grpc.started(method);
    MonitoredCall<Q, R> monitored = new MonitoredCall<>(call, method, start, done);
    ServerCall.Listener<Q> delegate = next.startCall(monitored, headers);
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<Q>(delegate) {
      @Override
      public void onMessage(Q message) {
        grpc.received(method);
        super.onMessage(message);
      }

      @Override
      public void onCancel() {
        monitored.finish(Status.Code.CANCELLED);
        super.onCancel();
      }
    };
  }

  private final class MonitoredCall<Q, R>
      extends ForwardingServerCall.SimpleForwardingServerCall<Q, R> {
    private final MethodDescriptor<Q, R> method;
    private final long start;
    private final AtomicBoolean done;

    MonitoredCall(
        ServerCall<Q, R> call, MethodDescriptor<Q, R> method, long start, AtomicBoolean done) {
      super(call);
      this.method = method;
      this.start = start;
      this.done = done;
    }

    @Override
    public void sendMessage(R message) {
      super.sendMessage(message);
      grpc.sent(method);
    }

    @Override
    public void close(Status status, Metadata trailers) {
      finish(status.getCode());
      super.close(status, trailers);
    }

    void finish(Status.Code code) {
      if (!done.compareAndSet(false, true)) {
        return;
      }
      grpc.handled(method, code);
      if (method.getType() != MethodDescriptor.MethodType.BIDI_STREAMING) {
        cairn.request(method.getFullMethodName(), System.nanoTime() - start);
      }
    }
  }
}
