package io.cairn.server.tls;

import java.nio.file.Path;

/**
 * A TLS setting that cannot be used: a missing or unreadable file, a PEM file without the
 * expected block, a key that does not match its certificate, an unknown cipher suite. The
 * message follows Go's wording (e.g. {@code open /x/server.crt: no such file or directory},
 * {@code tls: private key does not match public key}); {@link #field()} names the flag
 * without its {@code peer-} prefix (e.g. {@code cert-file}) and {@link #path()} the file.
 */
public class TlsException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String field;
  private final transient Path path;

  public TlsException(String message, String field, Path path) {
    super(message);
    this.field = field;
    this.path = path;
  }

  public TlsException(String message, String field, Path path, Throwable cause) {
    super(message, cause);
    this.field = field;
    this.path = path;
  }

  /** The flag the problem comes from, e.g. {@code cert-file}, {@code trusted-ca-file}. */
  public String field() {
    return field;
  }

  /** The file concerned, or null. */
  public Path path() {
    return path;
  }

  /** The message prefixed with the flag, e.g. {@code --cert-file: open /x: no such file...}. */
  public String describe(boolean peer) {
    if (field == null) {
      return getMessage();
    }
    String flag;
    if (field.equals("crl-file")) {
      flag = peer ? "peer-crl-file" : "client-crl-file";
    } else if (field.equals("cipher-suites")) {
      flag = field;
    } else {
      flag = (peer ? "peer-" : "") + field;
    }
    return "--" + flag + ": " + getMessage();
  }
}
