package io.cairn.server.auth;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The payload of an auth command in the log: who asked (user and the auth revision of their
 * credential, for etcd's admin check at apply time), the etcd request, and what was computed
 * before proposing so that every replica applies the same: a bcrypt hash (never the password), a
 * simple-token prefix, the auth revision a password was checked against.
 */
public record AuthCommand(
    String user,
    long authRevision,
    ByteString request,
    ByteString hashedPassword,
    String tokenPrefix,
    long checkedRevision) {

  public static AuthCommand of(AuthInfo caller, com.google.protobuf.MessageLite request) {
    return new AuthCommand(caller == null ? "" : caller.username(),
        caller == null ? 0 : caller.revision(), request.toByteString(), ByteString.EMPTY, "", 0);
  }

  public AuthCommand withHash(byte[] hash) {
    return new AuthCommand(user, authRevision, request,
        hash == null ? ByteString.EMPTY : ByteString.copyFrom(hash), tokenPrefix, checkedRevision);
  }

  public AuthCommand withToken(String prefix, long checked) {
    return new AuthCommand(user, authRevision, request, hashedPassword, prefix, checked);
  }

  public byte[] encode() {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      CodedOutputStream o = CodedOutputStream.newInstance(bytes);
      o.writeString(1, user);
      o.writeUInt64(2, authRevision);
      o.writeBytes(3, request);
      o.writeBytes(4, hashedPassword);
      o.writeString(5, tokenPrefix);
      o.writeUInt64(6, checkedRevision);
      o.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static AuthCommand decode(byte[] data) {
    try {
      CodedInputStream in = CodedInputStream.newInstance(data);
      String user = "";
      long rev = 0;
      ByteString req = ByteString.EMPTY;
      ByteString hash = ByteString.EMPTY;
      String prefix = "";
      long checked = 0;
      int tag;
      while ((tag = in.readTag()) != 0) {
        switch (tag >>> 3) {
          case 1 -> user = in.readString();
          case 2 -> rev = in.readUInt64();
          case 3 -> req = in.readBytes();
          case 4 -> hash = in.readBytes();
          case 5 -> prefix = in.readString();
          case 6 -> checked = in.readUInt64();
          default -> in.skipField(tag);
        }
      }
      return new AuthCommand(user, rev, req, hash, prefix, checked);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
