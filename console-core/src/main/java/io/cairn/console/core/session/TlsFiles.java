package io.cairn.console.core.session;

import java.nio.file.Path;

/**
 * PEM files for a TLS connection. Each may be null: a CA alone verifies the server; a client
 * certificate and key (both or neither) add client authentication. A profile whose {@code TlsFiles}
 * has no file at all still connects over TLS, trusting the JDK's default CAs.
 */
public record TlsFiles(Path caCert, Path clientCert, Path clientKey) {
  public TlsFiles {
    if ((clientCert == null) != (clientKey == null)) {
      throw new IllegalArgumentException("a client certificate needs its key and a key its certificate");
    }
  }

  /** True when a client certificate (and key) is configured. */
  /** True when no file is given: such a profile talks plain HTTP to bare {@code host:port}s. */
  public boolean isEmpty() {
    return caCert == null && clientCert == null && clientKey == null;
  }

  public boolean hasClientCertificate() {
    return clientCert != null;
  }
}
