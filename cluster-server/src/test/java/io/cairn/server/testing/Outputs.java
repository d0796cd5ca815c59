package io.cairn.server.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Normalises etcdctl output so that two servers can be compared: identifiers that necessarily
 * differ between clusters ({@code cluster_id}, {@code member_id}, {@code raft_term}, and on request
 * {@code revision}) are removed, and etcdctl's own client-side log lines are dropped from stderr.
 */
public final class Outputs {
  private static final Set<String> JSON_VOLATILE = Set.of("cluster_id", "member_id", "raft_term");
  private static final List<String> FIELDS_VOLATILE = List.of("\"ClusterID\"", "\"MemberID\"", "\"RaftTerm\"");

  private Outputs() {}

  /** {@code -w json} output with volatile header fields removed, one canonical value per line. */
  public static String normaliseJson(String stdout, boolean dropRevision) {
    StringBuilder sb = new StringBuilder();
    for (Object v : Json.parseAll(stdout)) {
      sb.append(Json.write(strip(v, dropRevision))).append('\n');
    }
    return sb.toString();
  }

  /** {@code -w fields} output without the ClusterID/MemberID/RaftTerm (and optionally Revision) lines. */
  public static String normaliseFields(String stdout, boolean dropRevision) {
    return stdout.lines()
        .filter(l -> FIELDS_VOLATILE.stream().noneMatch(l::startsWith))
        .filter(l -> !(dropRevision && l.startsWith("\"Revision\"")))
        .map(l -> l + "\n")
        .collect(Collectors.joining());
  }

  /** Removes etcdctl's structured client log lines (they carry timestamps and random ids). */
  public static String stripClientLogs(String stderr) {
    return stderr.lines()
        .filter(l -> !l.startsWith("{\"level\":"))
        .map(l -> l + "\n")
        .collect(Collectors.joining());
  }

  /**
   * Normalised view of one etcdctl invocation: exit code, stdout normalised according to the
   * {@code -w}/{@code --write-out} format found in {@code args}, and stderr without client logs.
   */
  public static String normalise(ProcessResult r, boolean dropRevision, String... args) {
    String format = writeFormat(args);
    String out = r.stdout();
    if (r.exitCode() == 0 && !out.isBlank()) {
      if (format.equals("json")) {
        out = normaliseJson(out, dropRevision);
      } else if (format.equals("fields")) {
        out = normaliseFields(out, dropRevision);
      }
    }
    return "exit=" + r.exitCode() + "\n" + out + "--stderr--\n" + stripClientLogs(r.stderr());
  }

  /** The output format selected in an etcdctl argument list ("simple" when none). */
  public static String writeFormat(String... args) {
    List<String> a = new ArrayList<>(Arrays.asList(args));
    for (int k = 0; k < a.size(); k++) {
      String s = a.get(k);
      if ((s.equals("-w") || s.equals("--write-out")) && k + 1 < a.size()) {
        return a.get(k + 1);
      }
      if (s.startsWith("--write-out=")) {
        return s.substring("--write-out=".length());
      }
      if (s.startsWith("-w=")) {
        return s.substring(3);
      }
    }
    return "simple";
  }

  @SuppressWarnings("unchecked")
  private static Object strip(Object v, boolean dropRevision) {
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> map = (Map<String, Object>) m;
      map.keySet().removeIf(k -> JSON_VOLATILE.contains(k) || (dropRevision && k.equals("revision")));
      map.replaceAll((k, x) -> strip(x, dropRevision));
      return map;
    }
    if (v instanceof List<?> l) {
      List<Object> list = (List<Object>) l;
      list.replaceAll(x -> strip(x, dropRevision));
      return list;
    }
    return v;
  }
}
