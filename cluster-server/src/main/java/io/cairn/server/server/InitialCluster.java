package io.cairn.server.server;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Parses {@code --initial-cluster}: {@code name=url,name=url,...}; a name may repeat. */
public final class InitialCluster {
  private InitialCluster() {}

  public static Map<String, List<URI>> parse(String s) {
    Map<String, List<URI>> out = new LinkedHashMap<>();
    if (s == null || s.isBlank()) {
      return out;
    }
    for (String part : s.split(",")) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      int eq = p.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("invalid initial-cluster entry " + p);
      }
      out.computeIfAbsent(p.substring(0, eq), k -> new ArrayList<>())
          .add(URI.create(p.substring(eq + 1)));
    }
    return out;
  }
}
