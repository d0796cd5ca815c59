package io.cairn.server.tls;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cipher suite names as etcd's {@code --cipher-suites} takes them (Go's {@code crypto/tls}
 * constants) and the JDK's names for the same suites. Most are identical (both follow IANA);
 * Go's short ChaCha20 aliases differ.
 */
public final class GoCipherSuites {
  private GoCipherSuites() {}

  private static final Map<String, String> GO_TO_JDK;

  static {
    Map<String, String> m = new LinkedHashMap<>();
    for (String same : List.of(
        "TLS_RSA_WITH_AES_128_CBC_SHA",
        "TLS_RSA_WITH_AES_256_CBC_SHA",
        "TLS_RSA_WITH_AES_128_CBC_SHA256",
        "TLS_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
        "TLS_RSA_WITH_RC4_128_SHA",
        "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA",
        "TLS_ECDHE_RSA_WITH_RC4_128_SHA",
        "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA",
        "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
        "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
        "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
        "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
        "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
        "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        "TLS_AES_128_GCM_SHA256",
        "TLS_AES_256_GCM_SHA384",
        "TLS_CHACHA20_POLY1305_SHA256")) {
      m.put(same, same);
    }
    m.put("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
    m.put("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305",
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256");
    GO_TO_JDK = Collections.unmodifiableMap(m);
  }

  /** Every Go name accepted by {@code --cipher-suites}. */
  public static List<String> goNames() {
    return List.copyOf(GO_TO_JDK.keySet());
  }

  public static boolean isKnown(String goName) {
    return GO_TO_JDK.containsKey(goName);
  }

  /** The JDK name, or a {@link TlsException} {@code unexpected TLS cipher suite "X"}. */
  public static String toJdk(String goName) {
    String jdk = GO_TO_JDK.get(goName);
    if (jdk == null) {
      throw new TlsException("unexpected TLS cipher suite \"" + goName + "\"", "cipher-suites", null);
    }
    return jdk;
  }

  public static List<String> toJdk(List<String> goNames) {
    List<String> out = new ArrayList<>();
    for (String n : goNames) {
      String jdk = toJdk(n.strip());
      if (!out.contains(jdk)) {
        out.add(jdk);
      }
    }
    return out;
  }

  /** True for the TLS 1.3 suites (which need TLSv1.3 enabled to be usable). */
  public static boolean isTls13(String jdkName) {
    return !jdkName.contains("_WITH_");
  }
}
