package io.cairn.server.tls;

import io.cairn.server.config.TlsConfig;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Netty {@link SslContext}s for the client and peer listeners, following etcd 3.5's
 * {@code transport.TLSInfo} rules (JDK provider, TLS 1.2 and 1.3):
 * <ul>
 *   <li>certificate chain and key from PEM files; keys may be PKCS#8, PKCS#1 (RSA) or SEC1
 *       (EC); the key must match the certificate;</li>
 *   <li>a client certificate is required when {@code client-cert-auth} is set <em>or</em> a
 *       {@code trusted-ca-file} is given (etcd's rule), and must chain to that CA (the system
 *       trust store when none is given);</li>
 *   <li>a CRL file ({@code --client-crl-file}/{@code --peer-crl-file}) is read at each
 *       handshake, and a client certificate whose serial number it lists is refused
 *       ({@code transport: certificate serial <hex> revoked});</li>
 *   <li>{@code peer-cert-allowed-cn}/{@code -hostname} are checked on the other side's
 *       certificate at each handshake, see {@link #checkPeerIdentity};</li>
 *   <li>Go cipher suite names are mapped to the JDK's ({@link GoCipherSuites}); with a list
 *       of TLS 1.2 suites only TLS 1.2 is offered (as etcd 3.5 does);</li>
 *   <li>auto-TLS (when no certificate files are given): a self-signed certificate from
 *       {@link AutoTls#ensure}, and, as in etcd where the generated TLS info replaces the
 *       configured one, no client certificate is asked for and CA/CRL/allowed-CN settings are
 *       not applied; a client context trusts any server certificate.</li>
 * </ul>
 * Problems with the files are {@link TlsException}s with Go's messages.
 */
public final class TlsContexts {
  private TlsContexts() {}

  /** TLS versions offered unless cipher suites restrict them. */
  public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  /** Key material chosen for one side. */
  private record Material(PrivateKey key, List<X509Certificate> chain, boolean selfSigned) {}

  private static Material material(TlsConfig cfg, Path autoTlsDir, List<String> hosts,
      boolean required) {
    if (cfg.certFile() != null || cfg.keyFile() != null) {
      if (cfg.certFile() == null || cfg.keyFile() == null) {
        throw new TlsException("KeyFile and CertFile must both be present[key: "
            + (cfg.keyFile() == null ? "" : cfg.keyFile()) + ", cert: "
            + (cfg.certFile() == null ? "" : cfg.certFile()) + "]",
            cfg.certFile() == null ? "cert-file" : "key-file", null);
      }
      return load(cfg.certFile(), cfg.keyFile(), false);
    }
    if (cfg.autoTls()) {
      if (autoTlsDir == null) {
        throw new TlsException("auto-tls needs a directory for its certificate", "auto-tls", null);
      }
      AutoTls.CertFiles files = AutoTls.ensure(autoTlsDir, hosts == null ? List.of() : hosts);
      return load(files.certFile(), files.keyFile(), true);
    }
    if (required) {
      throw new TlsException("TLS key/cert (cert-file, key-file) must be provided", "cert-file",
          null);
    }
    return null;
  }

  private static Material load(Path cert, Path key, boolean selfSigned) {
    List<X509Certificate> chain = PemFiles.certificates(cert, "cert-file");
    PrivateKey pk = PemFiles.privateKey(key, "key-file");
    PemFiles.checkKeyMatches(pk, chain.get(0), key);
    return new Material(pk, chain, selfSigned);
  }

  /**
   * A server context for a listener.
   *
   * @param cfg the side's TLS flags (client or peer)
   * @param autoTlsDir where auto-TLS keeps its certificate ({@code <data-dir>/fixtures/client}
   *     or {@code .../peer}); may be null when auto-TLS is off
   * @param hostsForAutoTls SANs for a generated certificate, e.g. the listen URLs' hosts
   * @param alpn protocols to offer with ALPN, most preferred first (e.g. "h2", "http/1.1"); none
   *     for no ALPN. With "h2" and no configured suites, HTTP/2-approved ciphers are used.
   */
  public static SslContext serverContext(TlsConfig cfg, Path autoTlsDir,
      List<String> hostsForAutoTls, String... alpn) {
    Material m = material(cfg, autoTlsDir, hostsForAutoTls, true);
    SslContextBuilder b = SslContextBuilder.forServer(m.key(), m.chain())
        .sslProvider(SslProvider.JDK);
    if (!m.selfSigned()) {
      boolean requireCert = cfg.clientCertAuth() || cfg.trustedCaFile() != null;
      b.clientAuth(requireCert ? ClientAuth.REQUIRE : ClientAuth.NONE);
      if (requireCert) {
        b.trustManager(new CheckingTrustManager(delegate(cfg.trustedCaFile()), cfg, true));
      }
    } else {
      b.clientAuth(ClientAuth.NONE);
    }
    configureCommon(b, cfg, alpn);
    try {
      return b.build();
    } catch (SSLException e) {
      throw new TlsException("tls: " + e.getMessage(), null, null, e);
    }
  }

  /**
   * A client context for connections to peers: presents the configured certificate (if any),
   * trusts {@code trusted-ca-file} (the system store when not given) and checks the allowed
   * CN/hostname on the server's certificate. Host name verification is left to the caller (see
   * {@link #newClientHandler}).
   */
  public static SslContext clientContext(TlsConfig cfg) {
    return clientContext(cfg, null, List.of());
  }

  /**
   * {@link #clientContext(TlsConfig)} with auto-TLS: the generated certificate is presented and
   * any server certificate is accepted, as etcd's self-signed peers do.
   */
  public static SslContext clientContext(TlsConfig cfg, Path autoTlsDir,
      List<String> hostsForAutoTls, String... alpn) {
    Material m = material(cfg, autoTlsDir, hostsForAutoTls, false);
    SslContextBuilder b = SslContextBuilder.forClient().sslProvider(SslProvider.JDK);
    if (m != null) {
      b.keyManager(m.key(), m.chain());
    }
    if (m != null && m.selfSigned()) {
      b.trustManager(InsecureTrustManagerFactory.INSTANCE);
    } else if (cfg.trustedCaFile() != null || !cfg.allowedCn().isEmpty()
        || !cfg.allowedHostname().isEmpty()) {
      b.trustManager(new CheckingTrustManager(delegate(cfg.trustedCaFile()), cfg, false));
    }
    configureCommon(b, cfg, alpn);
    try {
      return b.build();
    } catch (SSLException e) {
      throw new TlsException("tls: " + e.getMessage(), null, null, e);
    }
  }

  /**
   * A client-side handler for {@code host:port} that also verifies the server's host name
   * against its certificate (as Go's client does).
   */
  public static io.netty.handler.ssl.SslHandler newClientHandler(SslContext ctx,
      io.netty.buffer.ByteBufAllocator alloc, String host, int port) {
    io.netty.handler.ssl.SslHandler h = ctx.newHandler(alloc, host, port);
    SSLEngine engine = h.engine();
    javax.net.ssl.SSLParameters p = engine.getSSLParameters();
    p.setEndpointIdentificationAlgorithm("HTTPS");
    engine.setSSLParameters(p);
    return h;
  }

  private static void configureCommon(SslContextBuilder b, TlsConfig cfg, String... alpn) {
    List<String> suites = GoCipherSuites.toJdk(cfg.cipherSuites() == null ? List.of()
        : cfg.cipherSuites());
    if (!suites.isEmpty()) {
      boolean any13 = suites.stream().anyMatch(GoCipherSuites::isTls13);
      boolean any12 = suites.stream().anyMatch(s -> !GoCipherSuites.isTls13(s));
      List<String> protocols = new ArrayList<>();
      if (any13) {
        protocols.add("TLSv1.3");
      }
      if (any12) {
        protocols.add("TLSv1.2");
      }
      b.protocols(protocols).ciphers(suites);
    } else {
      b.protocols(PROTOCOLS);
      if (Arrays.asList(alpn).contains("h2")) {
        b.ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE);
      }
    }
    if (alpn.length > 0) {
      b.applicationProtocolConfig(new ApplicationProtocolConfig(
          ApplicationProtocolConfig.Protocol.ALPN,
          ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
          ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, alpn));
    }
  }

  private static X509ExtendedTrustManager delegate(Path caFile) {
    try {
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      if (caFile == null) {
        tmf.init((KeyStore) null);
      } else {
        List<X509Certificate> cas;
        try {
          cas = PemFiles.certificates(caFile, "trusted-ca-file");
        } catch (TlsException e) {
          throw new TlsException(e.getMessage().replace("certificate input", "CA file input"),
              "trusted-ca-file", caFile, e);
        }
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        int i = 0;
        for (X509Certificate c : cas) {
          ks.setCertificateEntry("ca-" + i++, c);
        }
        tmf.init(ks);
      }
      for (TrustManager tm : tmf.getTrustManagers()) {
        if (tm instanceof X509ExtendedTrustManager) {
          return (X509ExtendedTrustManager) tm;
        }
      }
      throw new IllegalStateException("no X509 trust manager");
    } catch (TlsException e) {
      throw e;
    } catch (Exception e) {
      throw new TlsException("tls: cannot use trusted CA file: " + e.getMessage(),
          "trusted-ca-file", caFile, e);
    }
  }

  /** Chain validation by the JDK, then etcd's CRL and allowed-CN/hostname checks. */
  private static final class CheckingTrustManager extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager delegate;
    private final TlsConfig cfg;
    private final boolean serverSide;

    CheckingTrustManager(X509ExtendedTrustManager delegate, TlsConfig cfg, boolean serverSide) {
      this.delegate = delegate;
      this.cfg = cfg;
      this.serverSide = serverSide;
    }

    private void extra(X509Certificate[] chain) throws CertificateException {
      if (serverSide && cfg.crlFile() != null) {
        checkRevoked(chain, cfg.crlFile());
      }
      if (chain != null && chain.length > 0) {
        checkPeerIdentity(chain[0], cfg);
      }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      delegate.checkClientTrusted(chain, authType, socket);
      extra(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      delegate.checkClientTrusted(chain, authType, engine);
      extra(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      delegate.checkClientTrusted(chain, authType);
      extra(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      delegate.checkServerTrusted(chain, authType, socket);
      extra(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      delegate.checkServerTrusted(chain, authType, engine);
      extra(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      delegate.checkServerTrusted(chain, authType);
      extra(chain);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return delegate.getAcceptedIssuers();
    }
  }

  /** etcd's CRL rule: any certificate of the chain whose serial the CRL lists is refused. */
  static void checkRevoked(X509Certificate[] chain, Path crlFile) throws CertificateException {
    Set<BigInteger> revoked;
    try {
      revoked = PemFiles.revokedSerials(crlFile, "crl-file");
    } catch (TlsException e) {
      throw new CertificateException(e.getMessage(), e);
    }
    for (X509Certificate c : chain) {
      if (revoked.contains(c.getSerialNumber())) {
        byte[] bytes = c.getSerialNumber().toByteArray();
        int skip = bytes.length > 1 && bytes[0] == 0 ? 1 : 0;
        throw new CertificateException("transport: certificate serial "
            + HexFormat.of().formatHex(bytes, skip, bytes.length) + " revoked");
      }
    }
  }

  /**
   * etcd's {@code --peer-cert-allowed-cn} / {@code --peer-cert-allowed-hostname} check of the
   * other side's leaf certificate: with allowed CNs, the subject CN must be one of them
   * ({@code CommonName authentication failed}); with allowed host names, the certificate must
   * be valid for one of them by its DNS/IP subject alternative names
   * ({@code client certificate authentication failed}). Nothing is checked when both lists are
   * empty.
   */
  public static void checkPeerIdentity(X509Certificate peer, TlsConfig cfg)
      throws CertificateException {
    List<String> cns = cfg.allowedCn() == null ? List.of() : cfg.allowedCn();
    List<String> hostnames = cfg.allowedHostname() == null ? List.of() : cfg.allowedHostname();
    if (!cns.isEmpty()) {
      String cn = commonName(peer);
      if (cn == null || !cns.contains(cn)) {
        throw new CertificateException("CommonName authentication failed");
      }
      return;
    }
    if (!hostnames.isEmpty()) {
      for (String h : hostnames) {
        if (validFor(peer, h)) {
          return;
        }
      }
      throw new CertificateException("client certificate authentication failed");
    }
  }

  static String commonName(X509Certificate c) {
    try {
      LdapName dn = new LdapName(c.getSubjectX500Principal().getName());
      List<Rdn> rdns = dn.getRdns();
      for (int i = rdns.size() - 1; i >= 0; i--) {
        if (rdns.get(i).getType().equalsIgnoreCase("CN")) {
          return rdns.get(i).getValue().toString();
        }
      }
    } catch (Exception e) {
      // no readable subject
    }
    return null;
  }

  /** Go's {@code VerifyHostname} on SANs: IP SANs for IP literals, DNS SANs with wildcards. */
  static boolean validFor(X509Certificate c, String host) {
    String h = host.startsWith("[") && host.endsWith("]")
        ? host.substring(1, host.length() - 1) : host;
    Collection<List<?>> sans;
    try {
      sans = c.getSubjectAlternativeNames();
    } catch (Exception e) {
      return false;
    }
    if (sans == null) {
      return false;
    }
    boolean ip = h.indexOf(':') >= 0 || h.matches("^\\d{1,3}(\\.\\d{1,3}){3}$");
    for (List<?> san : sans) {
      int type = (Integer) san.get(0);
      String value = String.valueOf(san.get(1));
      if (ip && type == 7 && sameIp(value, h)) {
        return true;
      }
      if (!ip && type == 2 && dnsMatch(value, h)) {
        return true;
      }
    }
    return false;
  }

  private static boolean sameIp(String a, String b) {
    try {
      return java.net.InetAddress.getByName(a).equals(java.net.InetAddress.getByName(b));
    } catch (Exception e) {
      return false;
    }
  }

  private static boolean dnsMatch(String pattern, String host) {
    String p = pattern.toLowerCase(Locale.ROOT);
    String h = host.toLowerCase(Locale.ROOT);
    if (p.endsWith(".")) {
      p = p.substring(0, p.length() - 1);
    }
    if (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    if (p.startsWith("*.")) {
      int dot = h.indexOf('.');
      return dot > 0 && h.substring(dot + 1).equals(p.substring(2));
    }
    return p.equals(h);
  }

  // ---------------------------------------------------------------------------------------
  // Go-style handshake error texts

  private static final Map<String, String> GO_ALERTS = Map.ofEntries(
      Map.entry("bad_certificate", "bad certificate"),
      Map.entry("unsupported_certificate", "unsupported certificate"),
      Map.entry("certificate_revoked", "revoked certificate"),
      Map.entry("certificate_expired", "expired certificate"),
      Map.entry("certificate_unknown", "unknown certificate"),
      Map.entry("unknown_ca", "unknown certificate authority"),
      Map.entry("handshake_failure", "handshake failure"),
      Map.entry("protocol_version", "protocol version not supported"),
      Map.entry("certificate_required", "certificate required"),
      Map.entry("no_application_protocol", "no application protocol"),
      Map.entry("internal_error", "internal error"),
      Map.entry("decrypt_error", "error decrypting message"),
      Map.entry("insufficient_security", "insufficient security level"),
      Map.entry("illegal_parameter", "illegal parameter"),
      Map.entry("unexpected_message", "unexpected message"),
      Map.entry("access_denied", "access denied"),
      Map.entry("decode_error", "error decoding message"),
      Map.entry("close_notify", "close notify"));

  /** {@link #goStyleHandshakeError(Throwable, boolean)} as seen by the server side. */
  public static String goStyleHandshakeError(Throwable cause) {
    return goStyleHandshakeError(cause, true);
  }

  /**
   * Best-effort translation of a JDK/netty handshake failure into the text a Go (etcd) peer
   * would log, e.g. {@code tls: client didn't provide a certificate},
   * {@code tls: failed to verify client certificate: x509: certificate signed by unknown
   * authority} (server side) or {@code x509: certificate signed by unknown authority} (client
   * side), {@code remote error: tls: bad certificate} (an alert received from the other side),
   * {@code tls: first record does not look like a TLS handshake} (plain text on a TLS port),
   * {@code transport: certificate serial ... revoked}, {@code CommonName authentication failed}.
   * Anything not recognized comes back as {@code tls: <JDK message>}.
   */
  public static String goStyleHandshakeError(Throwable cause, boolean serverSide) {
    List<Throwable> chain = new ArrayList<>();
    for (Throwable t = cause; t != null && !chain.contains(t); t = t.getCause()) {
      chain.add(t);
    }
    for (Throwable t : chain) {
      if (t instanceof NotSslRecordException) {
        return "tls: first record does not look like a TLS handshake";
      }
    }
    for (Throwable t : chain) {
      String m = t.getMessage() == null ? "" : t.getMessage();
      if (m.startsWith("transport: certificate serial") || m.equals("CommonName authentication failed")
          || m.equals("client certificate authentication failed")) {
        return m;
      }
    }
    for (Throwable t : chain) {
      if (t instanceof CertificateExpiredException || t instanceof CertificateNotYetValidException) {
        String x = "x509: certificate has expired or is not yet valid";
        return serverSide ? "tls: failed to verify client certificate: " + x : x;
      }
    }
    for (Throwable t : chain) {
      String m = t.getMessage() == null ? "" : t.getMessage();
      String lower = m.toLowerCase(Locale.ROOT);
      int alert = lower.indexOf("received fatal alert: ");
      if (alert >= 0) {
        String name = lower.substring(alert + "received fatal alert: ".length()).strip();
        return "remote error: tls: " + GO_ALERTS.getOrDefault(name, name.replace('_', ' '));
      }
      if (lower.contains("empty client certificate chain")
          || lower.contains("empty certificate chain")) {
        return "tls: client didn't provide a certificate";
      }
      if (lower.contains("unable to find valid certification path")
          || lower.contains("pkix path building failed")
          || lower.contains("pkix path validation failed")) {
        String x = "x509: certificate signed by unknown authority";
        return serverSide ? "tls: failed to verify client certificate: " + x : x;
      }
      if (lower.contains("no subject alternative") || lower.contains("no name matching")) {
        return "x509: certificate is not valid for the requested host name (" + m + ")";
      }
      if (lower.contains("no cipher suites in common")
          || lower.contains("no appropriate cipher suite")) {
        return "tls: no cipher suite supported by both client and server";
      }
      if (lower.contains("no appropriate protocol") || lower.contains("unsupported protocol")
          || lower.contains("protocol version")) {
        return "tls: no supported versions satisfy MinVersion and MaxVersion";
      }
    }
    for (Throwable t : chain) {
      if (t instanceof java.nio.channels.ClosedChannelException
          || (t.getMessage() != null && t.getMessage().contains("closed"))) {
        return "EOF";
      }
    }
    String m = cause == null ? "unknown error" : String.valueOf(cause.getMessage());
    return "tls: " + m;
  }
}
