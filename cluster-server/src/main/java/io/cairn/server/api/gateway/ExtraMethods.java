package io.cairn.server.api.gateway;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import io.etcd.jetcd.api.ResponseHeader;
import io.grpc.BindableService;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerMethodDefinition;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * etcd 3.5 RPCs that the generated service classes lack ({@code Lease/LeaseLeases},
 * {@code Auth/AuthStatus}): their messages as runtime descriptors in package {@code etcdserverpb}
 * (so that the JSON mapping works on them like on any message), and a unary call of a method found
 * by full name in a service's {@link BindableService#bindService()}, with the request and response
 * in wire encoding.
 */
final class ExtraMethods {
  static final Descriptor LEASE_LEASES_REQUEST;
  static final Descriptor LEASE_LEASES_RESPONSE;
  static final Descriptor AUTH_STATUS_REQUEST;
  static final Descriptor AUTH_STATUS_RESPONSE;

  static {
    FileDescriptor rpc = ResponseHeader.getDescriptor().getFile();
    String header = ".etcdserverpb.ResponseHeader";
    FileDescriptorProto file = FileDescriptorProto.newBuilder()
        .setName("etcdserverpb/gateway_extra.proto")
        .setPackage("etcdserverpb")
        .setSyntax("proto3")
        .addDependency(rpc.getName())
        .addMessageType(DescriptorProto.newBuilder().setName("LeaseLeasesRequest"))
        .addMessageType(DescriptorProto.newBuilder().setName("LeaseStatus")
            .addField(field("ID", 1, FieldDescriptorProto.Type.TYPE_INT64)))
        .addMessageType(DescriptorProto.newBuilder().setName("LeaseLeasesResponse")
            .addField(message("header", 1, header, false))
            .addField(message("leases", 2, ".etcdserverpb.LeaseStatus", true)))
        .addMessageType(DescriptorProto.newBuilder().setName("AuthStatusRequest"))
        .addMessageType(DescriptorProto.newBuilder().setName("AuthStatusResponse")
            .addField(message("header", 1, header, false))
            .addField(field("enabled", 2, FieldDescriptorProto.Type.TYPE_BOOL))
            .addField(field("authRevision", 3, FieldDescriptorProto.Type.TYPE_UINT64)))
        .build();
    try {
      FileDescriptor fd = FileDescriptor.buildFrom(file, new FileDescriptor[] {rpc});
      LEASE_LEASES_REQUEST = fd.findMessageTypeByName("LeaseLeasesRequest");
      LEASE_LEASES_RESPONSE = fd.findMessageTypeByName("LeaseLeasesResponse");
      AUTH_STATUS_REQUEST = fd.findMessageTypeByName("AuthStatusRequest");
      AUTH_STATUS_RESPONSE = fd.findMessageTypeByName("AuthStatusResponse");
    } catch (DescriptorValidationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private ExtraMethods() {}

  private static FieldDescriptorProto.Builder field(
      String name, int number, FieldDescriptorProto.Type type) {
    return FieldDescriptorProto.newBuilder().setName(name).setNumber(number).setType(type)
        .setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL);
  }

  private static FieldDescriptorProto.Builder message(
      String name, int number, String type, boolean repeated) {
    return FieldDescriptorProto.newBuilder().setName(name).setNumber(number)
        .setType(FieldDescriptorProto.Type.TYPE_MESSAGE).setTypeName(type)
        .setLabel(repeated ? FieldDescriptorProto.Label.LABEL_REPEATED
            : FieldDescriptorProto.Label.LABEL_OPTIONAL);
  }

  /** The method {@code fullName} (e.g. {@code etcdserverpb.Lease/LeaseLeases}) or null. */
  static ServerMethodDefinition<?, ?> find(BindableService service, String fullName) {
    return service == null ? null : service.bindService().getMethod(fullName);
  }

  /**
   * Calls a unary method in-process: {@code request} is the request's wire encoding; exactly one
   * of {@code onResponse} (wire encoding) and {@code onError} is called.
   */
  static <Q, R> void callUnary(
      ServerMethodDefinition<Q, R> def,
      byte[] request,
      Metadata headers,
      Consumer<byte[]> onResponse,
      Consumer<Status> onError) {
    MethodDescriptor<Q, R> method = def.getMethodDescriptor();
    BiConsumer<byte[], Status> finish = new BiConsumer<>() {
      private byte[] response;
      private boolean closed;

      @Override
      public synchronized void accept(byte[] message, Status status) {
        if (closed) {
          return;
        }
        if (message != null) {
          response = message;
          return;
        }
        closed = true;
        if (!status.isOk()) {
          onError.accept(status);
        } else if (response == null) {
          onError.accept(Status.INTERNAL.withDescription("No value received for unary call"));
        } else {
          onResponse.accept(response);
        }
      }
    };
    ServerCall<Q, R> call = new ServerCall<>() {
      private volatile boolean done;

      @Override
      public void request(int numMessages) {}

      @Override
      public void sendHeaders(Metadata headers) {}

      @Override
      public void sendMessage(R message) {
        try (InputStream in = method.streamResponse(message)) {
          finish.accept(in.readAllBytes(), null);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }

      @Override
      public void close(Status status, Metadata trailers) {
        done = true;
        finish.accept(null, status);
      }

      @Override
      public boolean isCancelled() {
        return false;
      }

      @Override
      public boolean isReady() {
        return !done;
      }

      @Override
      public MethodDescriptor<Q, R> getMethodDescriptor() {
        return method;
      }
    };
    ServerCall.Listener<Q> listener = def.getServerCallHandler().startCall(call, headers);
    listener.onReady();
    listener.onMessage(method.parseRequest(new ByteArrayInputStream(request)));
    listener.onHalfClose();
  }
}
