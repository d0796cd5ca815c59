package io.cairn.server.server;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * Member and cluster IDs computed as etcd computes them, so that a cluster started from the same
 * flags gets the same IDs: a member's ID is the first 8 bytes (big-endian) of SHA-1 over its
 * sorted peer URLs and the cluster token; the cluster's ID the same over the sorted member IDs.
 */
public final class MemberIds {
  private MemberIds() {}

  public static long memberId(List<URI> peerUrls, String clusterToken) {
    List<String> urls = new ArrayList<>();
    for (URI u : peerUrls) {
      urls.add(u.toString());
    }
    urls.sort(null);
    StringBuilder b = new StringBuilder();
    urls.forEach(b::append);
    b.append(clusterToken);
    return first8(sha1(b.toString().getBytes(StandardCharsets.UTF_8)));
  }

  public static long clusterId(List<Long> memberIds) {
    List<Long> ids = new ArrayList<>(memberIds);
    ids.sort(Long::compareUnsigned);
    ByteBuffer b = ByteBuffer.allocate(8 * ids.size());
    ids.forEach(b::putLong);
    return first8(sha1(b.array()));
  }

  /** etcd prints IDs as lower-case hex without leading zeros. */
  public static String hex(long id) {
    return Long.toHexString(id);
  }

  private static byte[] sha1(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-1").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static long first8(byte[] hash) {
    return ByteBuffer.wrap(hash, 0, 8).getLong();
  }
}
