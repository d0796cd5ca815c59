package io.cairn.server.snapshot;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;

/**
 * What {@code cairn snapshot status} reports, in {@code etcdutl snapshot status}'s formats.
 *
 * @param hash CRC-32C over every table of the database: its name, then each key and value
 * @param revision the store's revision
 * @param totalKey live keys at that revision
 * @param totalSize bytes of database content
 */
public record SnapshotStatus(long hash, long revision, long totalKey, long totalSize) {

  /** {@code -w simple}: the row joined by ", ". */
  public String simple() {
    return String.join(", ", row()) + "\n";
  }

  /** {@code -w json}: Go's encoding of etcd's {@code snapshot.Status}. */
  public String json() {
    return "{\"hash\":" + hash + ",\"revision\":" + revision + ",\"totalKey\":" + totalKey
        + ",\"totalSize\":" + totalSize + "}\n";
  }

  /** {@code -w table}: tablewriter's layout, headers centred, cells right-aligned. */
  public String table() {
    List<String> hdr = List.of("HASH", "REVISION", "TOTAL KEYS", "TOTAL SIZE");
    List<String> row = row();
    int[] w = new int[hdr.size()];
    for (int i = 0; i < w.length; i++) {
      w[i] = Math.max(hdr.get(i).length(), row.get(i).length());
    }
    StringBuilder line = new StringBuilder("+");
    for (int width : w) {
      line.append("-".repeat(width + 2)).append('+');
    }
    line.append('\n');
    StringBuilder sb = new StringBuilder(line);
    sb.append('|');
    for (int i = 0; i < w.length; i++) {
      int gap = w[i] - hdr.get(i).length();
      int left = gap / 2;
      sb.append(' ').append(" ".repeat(left)).append(hdr.get(i)).append(" ".repeat(gap - left))
          .append(" |");
    }
    sb.append('\n').append(line).append('|');
    for (int i = 0; i < w.length; i++) {
      sb.append(' ').append(" ".repeat(w[i] - row.get(i).length())).append(row.get(i)).append(" |");
    }
    sb.append('\n').append(line);
    return sb.toString();
  }

  private List<String> row() {
    return List.of(
        Long.toHexString(hash), Long.toString(revision), Long.toString(totalKey), bytes(totalSize));
  }

  /** go-humanize's {@code Bytes}: SI units, e.g. "25 kB", "2.1 MB", "512 B". */
  static String bytes(long s) {
    if (s < 10) {
      return s + " B";
    }
    String[] sizes = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
    double e = Math.floor(StrictMath.log((double) s) / StrictMath.log(1000));
    double val = Math.floor((double) s / Math.pow(1000, e) * 10 + 0.5) / 10;
    int scale = val < 10 ? 1 : 0;
    String num = new BigDecimal(val).setScale(scale, RoundingMode.HALF_EVEN).toPlainString();
    return num + " " + sizes[(int) e];
  }
}
