package io.cairn.server.api;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.MessageLite;
import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Wire encoding for the few etcd 3.5 messages that the generated classes we use lack ({@code
 * LeaseLeases}, {@code AuthStatus}). Hand-encoded with the same field numbers as etcd's protos, so
 * any etcd client decodes them.
 */
final class ExtraMessages {
  private ExtraMessages() {}

  /** A request with no fields we read: any bytes are accepted and ignored. */
  static final MethodDescriptor.Marshaller<byte[]> RAW =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  /** Builds a message field by field. */
  static final class Writer {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final CodedOutputStream out = CodedOutputStream.newInstance(bytes);

    Writer message(int field, MessageLite m) {
      try {
        out.writeMessage(field, m);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return this;
    }

    Writer message(int field, byte[] encoded) {
      try {
        out.writeByteArray(field, encoded);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return this;
    }

    Writer int64(int field, long v) {
      try {
        if (v != 0) {
          out.writeInt64(field, v);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return this;
    }

    Writer bool(int field, boolean v) {
      try {
        if (v) {
          out.writeBool(field, true);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return this;
    }

    byte[] bytes() {
      try {
        out.flush();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return bytes.toByteArray();
    }
  }
}
