package io.cairn.server.auth;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.Permission;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * The key ranges one user may read and write: the union of its roles' permissions, merged into
 * sorted, disjoint intervals. A request is permitted when one merged interval covers it whole, so
 * permissions on adjacent or overlapping ranges add up as etcd's interval tree does.
 *
 * <p>Encodings as etcd's: an empty range end is the single key; a range end of {@code "\0"} means
 * every key from {@code key} on (from-key); otherwise the half-open range {@code [key,
 * range_end)}.
 */
public final class RangePermissions {
  private static final Comparator<ByteString> CMP = ByteString.unsignedLexicographicalComparator();
  private static final ByteString ZERO = ByteString.copyFrom(new byte[] {0});

  /** {@code end == null}: unbounded. */
  record Interval(ByteString begin, ByteString end) {}

  private final List<Interval> read;
  private final List<Interval> write;

  private RangePermissions(List<Interval> read, List<Interval> write) {
    this.read = read;
    this.write = write;
  }

  public static RangePermissions of(Collection<Permission> perms) {
    List<Interval> r = new ArrayList<>();
    List<Interval> w = new ArrayList<>();
    for (Permission p : perms) {
      Interval i = interval(p.getKey(), p.getRangeEnd());
      if (i == null) {
        continue;
      }
      switch (p.getPermType()) {
        case READ -> r.add(i);
        case WRITE -> w.add(i);
        case READWRITE -> {
          r.add(i);
          w.add(i);
        }
        default -> {}
      }
    }
    return new RangePermissions(merge(r), merge(w));
  }

  /** The interval a key and range end stand for; null when it is empty. */
  static Interval interval(ByteString key, ByteString rangeEnd) {
    if (rangeEnd.isEmpty()) {
      return new Interval(key, key.concat(ZERO));
    }
    if (rangeEnd.equals(ZERO)) {
      return new Interval(key, null);
    }
    if (CMP.compare(key, rangeEnd) >= 0) {
      return null;
    }
    return new Interval(key, rangeEnd);
  }

  private static int compareEnd(ByteString a, ByteString b) {
    if (a == null) {
      return b == null ? 0 : 1;
    }
    return b == null ? -1 : CMP.compare(a, b);
  }

  private static List<Interval> merge(List<Interval> in) {
    in.sort((a, b) -> CMP.compare(a.begin(), b.begin()));
    List<Interval> out = new ArrayList<>();
    Interval cur = null;
    for (Interval i : in) {
      if (cur == null) {
        cur = i;
      } else if (cur.end() == null || CMP.compare(i.begin(), cur.end()) <= 0) {
        cur = new Interval(cur.begin(), compareEnd(i.end(), cur.end()) > 0 ? i.end() : cur.end());
      } else {
        out.add(cur);
        cur = i;
      }
    }
    if (cur != null) {
      out.add(cur);
    }
    return List.copyOf(out);
  }

  public boolean canRead(ByteString key, ByteString rangeEnd) {
    return covers(read, key, rangeEnd);
  }

  public boolean canWrite(ByteString key, ByteString rangeEnd) {
    return covers(write, key, rangeEnd);
  }

  private static boolean covers(List<Interval> merged, ByteString key, ByteString rangeEnd) {
    Interval want = interval(key, rangeEnd);
    if (want == null) {
      // An inverted range selects nothing; etcd still asks for its first key.
      want = interval(key, ByteString.EMPTY);
    }
    // The last interval starting at or before the request's start.
    int lo = 0;
    int hi = merged.size() - 1;
    int found = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (CMP.compare(merged.get(mid).begin(), want.begin()) <= 0) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    if (found < 0) {
      return false;
    }
    return compareEnd(merged.get(found).end(), want.end()) >= 0;
  }
}
