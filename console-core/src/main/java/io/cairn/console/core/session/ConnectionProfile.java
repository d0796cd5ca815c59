package io.cairn.console.core.session;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How to reach a cluster: a name the operator chose, the endpoints as typed ({@code host:port},
 * {@code http://host:port} or {@code https://host:port}), an optional user (the password is never
 * part of a profile) and optional TLS files. Endpoints without a scheme use {@code https} when the
 * profile has TLS files and {@code http} otherwise.
 */
public record ConnectionProfile(String name, List<String> endpoints, String user, TlsFiles tls) {
  /** Most endpoints a profile may hold; a console never needs more and the probe stays cheap. */
  public static final int MAX_ENDPOINTS = 64;

  // scheme? ( [ipv6] | host ) : port, optionally followed by a single slash
  private static final Pattern ENDPOINT = Pattern.compile(
      "(?:(?<scheme>[A-Za-z][A-Za-z0-9+.-]*)://)?(?<host>\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9._-]+):(?<port>[0-9]{1,5})/?");

  public ConnectionProfile {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a profile needs a name");
    }
    if (endpoints == null || endpoints.isEmpty()) {
      throw new IllegalArgumentException("profile '" + name + "' has no endpoints");
    }
    if (endpoints.size() > MAX_ENDPOINTS) {
      throw new IllegalArgumentException("profile '" + name + "' has more than " + MAX_ENDPOINTS + " endpoints");
    }
    endpoints = List.copyOf(endpoints);
    endpoints.forEach(ConnectionProfile::checkEndpoint);
    user = user == null || user.isBlank() ? null : user;
  }

  /**
   * Splits what a user typed ({@code "a:2379, https://b:2379"}) into endpoints, checking each.
   *
   * @throws IllegalArgumentException naming the first bad entry, e.g. {@code not an endpoint: 'x:y:z'}
   */
  public static List<String> parseEndpoints(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("no endpoints given");
    }
    List<String> result = new ArrayList<>();
    for (String part : text.split("[,\\s]+")) {
      if (part.isEmpty()) {
        continue;
      }
      checkEndpoint(part);
      result.add(part);
    }
    if (result.isEmpty()) {
      throw new IllegalArgumentException("no endpoints given");
    }
    return List.copyOf(result);
  }

  /** The endpoints as {@code http(s)://host:port}, in the profile's order. */
  public List<String> normalizedEndpoints() {
    return endpoints.stream().map(e -> normalize(e, tls != null && !tls.isEmpty())).toList();
  }

  /** True when the profile connects over TLS (TLS files configured or an {@code https} endpoint). */
  public boolean usesTls() {
    return normalizedEndpoints().stream().anyMatch(e -> e.startsWith("https://"));
  }

  /**
   * One endpoint as {@code http(s)://host:port}; a bare {@code host:port} gets {@code https} when
   * {@code tlsByDefault}.
   */
  public static String normalize(String endpoint, boolean tlsByDefault) {
    Matcher m = match(endpoint);
    String scheme = m.group("scheme");
    scheme = scheme == null ? (tlsByDefault ? "https" : "http") : scheme.toLowerCase(Locale.ROOT);
    return scheme + "://" + m.group("host").toLowerCase(Locale.ROOT) + ":" + Integer.parseInt(m.group("port"));
  }

  /** The {@code host:port} part of an endpoint in any accepted form. */
  public static String hostPort(String endpoint) {
    URI uri = URI.create(normalize(endpoint, false));
    return uri.getHost() + ":" + uri.getPort();
  }

  private static void checkEndpoint(String endpoint) {
    match(endpoint);
  }

  private static Matcher match(String endpoint) {
    Matcher m = endpoint == null ? null : ENDPOINT.matcher(endpoint.trim());
    if (m == null || !m.matches()) {
      throw new IllegalArgumentException("not an endpoint: '" + endpoint + "'");
    }
    String scheme = m.group("scheme");
    if (scheme != null && !scheme.equalsIgnoreCase("http") && !scheme.equalsIgnoreCase("https")) {
      throw new IllegalArgumentException("not an endpoint: '" + endpoint + "' (only http and https are supported)");
    }
    int port = Integer.parseInt(m.group("port"));
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("not an endpoint: '" + endpoint + "' (port out of range)");
    }
    return m;
  }
}
