package io.cairn.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.Permission;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The merged-interval checker against a naive oracle over a finite key space that contains every
 * interval end point, so any gap in coverage shows up as an uncovered key of the space.
 */
class RangePermissionsTest {
  private static final Comparator<ByteString> CMP = ByteString.unsignedLexicographicalComparator();
  private static final byte[] ALPHABET = {0, 'a', 'b'};
  private static final ByteString ZERO = ByteString.copyFrom(new byte[] {0});
  private static final List<ByteString> UNIVERSE = new ArrayList<>();

  static {
    build(ByteString.EMPTY, 4);
  }

  private static void build(ByteString prefix, int depth) {
    UNIVERSE.add(prefix);
    if (depth == 0) {
      return;
    }
    for (byte b : ALPHABET) {
      build(prefix.concat(ByteString.copyFrom(new byte[] {b})), depth - 1);
    }
  }

  private static ByteString randomKey(Random r, int min) {
    int len = min + r.nextInt(4 - min);
    byte[] k = new byte[len];
    for (int i = 0; i < len; i++) {
      k[i] = ALPHABET[r.nextInt(ALPHABET.length)];
    }
    return ByteString.copyFrom(k);
  }

  /** A key and range end: single key, range, or from-key. Never inverted. */
  private static ByteString[] randomRange(Random r) {
    ByteString key = randomKey(r, 1);
    switch (r.nextInt(3)) {
      case 0:
        return new ByteString[] {key, ByteString.EMPTY};
      case 1:
        return new ByteString[] {key, ZERO};
      default:
        ByteString end;
        do {
          end = randomKey(r, 1);
        } while (CMP.compare(key, end) >= 0 && !end.equals(ZERO));
        return new ByteString[] {key, end};
    }
  }

  private static boolean inRange(ByteString u, ByteString key, ByteString end) {
    if (end.isEmpty()) {
      return u.equals(key);
    }
    if (end.equals(ZERO)) {
      return CMP.compare(u, key) >= 0;
    }
    return CMP.compare(u, key) >= 0 && CMP.compare(u, end) < 0;
  }

  private static boolean oracle(List<Permission> perms, ByteString key, ByteString end,
      boolean write) {
    for (ByteString u : UNIVERSE) {
      if (!inRange(u, key, end)) {
        continue;
      }
      boolean covered = false;
      for (Permission p : perms) {
        boolean kind = switch (p.getPermType()) {
          case READ -> !write;
          case WRITE -> write;
          default -> true;
        };
        if (kind && inRange(u, p.getKey(), p.getRangeEnd())) {
          covered = true;
          break;
        }
      }
      if (!covered) {
        return false;
      }
    }
    return true;
  }

  @Test
  void agreesWithTheOracleOnRandomPermissionsAndRequests() {
    Random r = new Random(42);
    int permitted = 0;
    int cases = 0;
    for (int round = 0; round < 300; round++) {
      List<Permission> perms = new ArrayList<>();
      int n = r.nextInt(6);
      for (int i = 0; i < n; i++) {
        ByteString[] kr = randomRange(r);
        perms.add(Permission.newBuilder().setKey(kr[0]).setRangeEnd(kr[1])
            .setPermTypeValue(r.nextInt(3)).build());
      }
      RangePermissions rp = RangePermissions.of(perms);
      for (int q = 0; q < 20; q++) {
        ByteString[] req = randomRange(r);
        boolean write = r.nextBoolean();
        boolean want = oracle(perms, req[0], req[1], write);
        boolean got = write ? rp.canWrite(req[0], req[1]) : rp.canRead(req[0], req[1]);
        assertThat(got).as("perms %s request [%s, %s) write=%s", perms, req[0], req[1], write)
            .isEqualTo(want);
        cases++;
        if (want) {
          permitted++;
        }
      }
    }
    assertThat(cases).isEqualTo(6000);
    // Both outcomes are well represented.
    assertThat(permitted).isBetween(300, 5700);
  }

  @Test
  void adjacentRangesAddUp() {
    RangePermissions rp = RangePermissions.of(List.of(
        perm("a", "b", Permission.Type.READ), perm("b", "c", Permission.Type.READWRITE)));
    assertThat(rp.canRead(bs("a"), bs("c"))).isTrue();
    assertThat(rp.canRead(bs("a"), bs("d"))).isFalse();
    assertThat(rp.canWrite(bs("a"), bs("c"))).isFalse();
    assertThat(rp.canWrite(bs("bz"), ByteString.EMPTY)).isTrue();
  }

  private static Permission perm(String k, String e, Permission.Type t) {
    return Permission.newBuilder().setKey(bs(k)).setRangeEnd(bs(e)).setPermType(t).build();
  }

  private static ByteString bs(String s) {
    return ByteString.copyFromUtf8(s);
  }
}
