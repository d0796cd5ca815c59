package io.cairn.server.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** etcd's URL rules ({@code types.NewURLs}, {@code checkBindURLs}, {@code checkHostURLs}). */
final class Urls {
  private Urls() {}

  private static final Pattern IPV4 =
      Pattern.compile("^(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}$");
  private static final Pattern IPV6_CHARS = Pattern.compile("^[0-9A-Fa-f:.]+(%.+)?$");

  /** A host and port split like Go's {@code net.SplitHostPort}; the message is Go's. */
  record HostPort(String host, String port) {}

  static HostPort splitHostPort(String hostport) {
    String missingPort = "address " + hostport + ": missing port in address";
    if (hostport.startsWith("[")) {
      int end = hostport.indexOf(']');
      if (end < 0) {
        throw new IllegalArgumentException("address " + hostport + ": missing ']' in address");
      }
      if (end + 1 == hostport.length()) {
        throw new IllegalArgumentException(missingPort);
      }
      if (hostport.charAt(end + 1) != ':') {
        throw new IllegalArgumentException(hostport.indexOf(':', end) < 0 ? missingPort
            : "address " + hostport + ": too many colons in address");
      }
      return new HostPort(hostport.substring(1, end), hostport.substring(end + 2));
    }
    int colon = hostport.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException(missingPort);
    }
    String host = hostport.substring(0, colon);
    if (host.contains(":")) {
      throw new IllegalArgumentException("address " + hostport + ": too many colons in address");
    }
    if (host.contains("[") || host.contains("]")) {
      throw new IllegalArgumentException("address " + hostport + ": unexpected '[' in address");
    }
    return new HostPort(host, hostport.substring(colon + 1));
  }

  /** Go's {@code url.URL.Host}: the authority without user info ("" when absent). */
  static String hostOf(URI u) {
    String a = u.getRawAuthority();
    if (a == null) {
      return "";
    }
    int at = a.lastIndexOf('@');
    return at >= 0 ? a.substring(at + 1) : a;
  }

  static boolean isIp(String host) {
    if (IPV4.matcher(host).matches()) {
      return true;
    }
    if (host.indexOf(':') >= 0 && IPV6_CHARS.matcher(host).matches()) {
      try {
        java.net.InetAddress.getByName(host); // literal: parsed, never resolved
        return true;
      } catch (Exception e) {
        return false;
      }
    }
    return false;
  }

  /**
   * {@code types.NewURLs} for a comma-separated value: each URL must be http(s)://host:port with
   * no path, or unix(s)://...; the result is sorted (as etcd sorts it) and without duplicates.
   */
  static List<URI> parseList(String value) {
    List<URI> out = new ArrayList<>();
    for (String part : value.split(",", -1)) {
      String in = part.strip();
      URI u;
      try {
        u = new URI(in);
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("parse " + GoText.quote(in) + ": " + e.getReason());
      }
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      switch (scheme) {
        case "http":
        case "https":
          try {
            splitHostPort(hostOf(u));
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                "URL address does not have the form \"host:port\": " + in);
          }
          if (u.isOpaque() || (u.getRawPath() != null && !u.getRawPath().isEmpty())) {
            throw new IllegalArgumentException("URL must not contain a path: " + in);
          }
          break;
        case "unix":
        case "unixs":
          break;
        default:
          throw new IllegalArgumentException(
              "URL scheme must be http, https, unix, or unixs: " + in);
      }
      out.add(u);
    }
    out.sort(Comparator.comparing(URI::toString));
    LinkedHashMap<String, URI> unique = new LinkedHashMap<>();
    for (URI u : out) {
      unique.putIfAbsent(u.toString(), u);
    }
    return List.copyOf(unique.values());
  }

  /** Like {@link #parseList} but an empty value is an empty list (etcd's "" exception). */
  static List<URI> parseListAllowEmpty(String value) {
    return value.isEmpty() ? List.of() : parseList(value);
  }

  /** etcd's {@code checkBindURLs}: listen URLs need an IP (or localhost) host. */
  static void checkBind(List<URI> urls) {
    for (URI u : urls) {
      String scheme = u.getScheme().toLowerCase(Locale.ROOT);
      if (scheme.equals("unix") || scheme.equals("unixs")) {
        continue;
      }
      HostPort hp = splitHostPort(hostOf(u));
      if (hp.host().equals("localhost")) {
        continue;
      }
      if (!isIp(hp.host())) {
        throw new ConfigException("expected IP in URL for binding (" + u + ")");
      }
    }
  }

  /** etcd's {@code checkHostURLs}: advertised URLs need host:port with a non-empty host. */
  static void checkHost(List<URI> urls, String flag) {
    for (URI u : urls) {
      String problem = null;
      try {
        HostPort hp = splitHostPort(hostOf(u));
        if (hp.host().isEmpty()) {
          problem = "unexpected empty host (" + u + ")";
        }
      } catch (IllegalArgumentException e) {
        problem = e.getMessage();
      }
      if (problem != null) {
        List<String> all = new ArrayList<>();
        urls.forEach(x -> all.add(x.toString()));
        throw new ConfigException("--" + flag + " " + GoText.quote(String.join(",", all))
            + " must be \"host:port\" (" + problem + ")");
      }
    }
  }
}
