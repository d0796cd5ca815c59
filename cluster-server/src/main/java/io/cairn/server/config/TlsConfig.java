package io.cairn.server.config;

import java.nio.file.Path;
import java.util.List;

/**
 * TLS settings of one side of a member (client or peer), as etcd's {@code --cert-file ...} or
 * {@code --peer-cert-file ...} flags give them. Paths are null when the flag was not given.
 */
public record TlsConfig(
    Path certFile,
    Path keyFile,
    Path trustedCaFile,
    boolean clientCertAuth,
    boolean autoTls,
    Path crlFile,
    List<String> allowedCn,
    List<String> allowedHostname,
    List<String> cipherSuites) {

  public static TlsConfig none() {
    return new TlsConfig(null, null, null, false, false, null, List.of(), List.of(), List.of());
  }

  /** True when certificates are configured (explicitly or by auto-TLS). */
  public boolean enabled() {
    return autoTls || (certFile != null && keyFile != null);
  }
}
