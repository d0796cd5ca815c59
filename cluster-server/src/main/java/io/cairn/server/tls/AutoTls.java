package io.cairn.server.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Self-signed certificates for {@code --auto-tls} / {@code --peer-auto-tls}, made like etcd's
 * {@code transport.SelfCert}: an ECDSA key (P-256 here; etcd uses P-521), organization "etcd",
 * valid for one year, usable for server and client authentication, with the given hosts as
 * subject alternative names (IP literals as IP SANs, other names as DNS SANs; a {@code :port}
 * suffix is dropped). Files are {@code cert.pem} and {@code key.pem} (PKCS#8, mode 0600) in
 * the directory given, by convention {@code <data-dir>/fixtures/client} or
 * {@code <data-dir>/fixtures/peer}. When both files exist they are reused as they are.
 */
public final class AutoTls {
  private AutoTls() {}

  /** The two files of a self-signed certificate. */
  public record CertFiles(Path certFile, Path keyFile) {}

  public static final Duration VALIDITY = Duration.ofDays(365);

  /** Creates the certificate once; later calls (and restarts) return the existing files. */
  public static synchronized CertFiles ensure(Path dir, List<String> hosts) {
    Path dirAbs = dir.toAbsolutePath();
    Path cert = dirAbs.resolve("cert.pem");
    Path key = dirAbs.resolve("key.pem");
    if (Files.isRegularFile(cert) && Files.isRegularFile(key)) {
      return new CertFiles(cert, key);
    }
    try {
      Files.createDirectories(dirAbs);
      KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
      gen.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
      KeyPair kp = gen.generateKeyPair();
      X500Name subject = new X500Name("O=etcd");
      Instant now = Instant.now();
      BigInteger serial = new BigInteger(128, new SecureRandom());
      JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial,
          java.util.Date.from(now), java.util.Date.from(now.plus(VALIDITY)), subject,
          kp.getPublic());
      b.addExtension(Extension.keyUsage, true,
          new KeyUsage(KeyUsage.keyEncipherment | KeyUsage.digitalSignature));
      b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
          new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      List<GeneralName> sans = sans(hosts);
      if (!sans.isEmpty()) {
        b.addExtension(Extension.subjectAlternativeName, false,
            new GeneralNames(sans.toArray(new GeneralName[0])));
      }
      X509Certificate x509 = new JcaX509CertificateConverter().getCertificate(
          b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
      writeAtomically(cert, pem(x509), false);
      writeAtomically(key, pem(new JcaPKCS8Generator(kp.getPrivate(), null)), true);
      return new CertFiles(cert, key);
    } catch (TlsException e) {
      throw e;
    } catch (Exception e) {
      throw new TlsException("failed to create self-signed certificate in " + dirAbs + ": " + e,
          "auto-tls", dirAbs, e);
    }
  }

  static List<GeneralName> sans(List<String> hosts) {
    Set<String> seen = new LinkedHashSet<>();
    List<GeneralName> out = new ArrayList<>();
    for (String h : hosts) {
      String host = stripPort(h);
      if (host.isEmpty() || !seen.add(host.toLowerCase(Locale.ROOT))) {
        continue;
      }
      if (isIpLiteral(host)) {
        out.add(new GeneralName(GeneralName.iPAddress, host));
      } else {
        out.add(new GeneralName(GeneralName.dNSName, host));
      }
    }
    return out;
  }

  private static String stripPort(String h) {
    if (h.startsWith("[")) {
      int end = h.indexOf(']');
      return end > 0 ? h.substring(1, end) : h;
    }
    int colon = h.lastIndexOf(':');
    if (colon >= 0 && h.indexOf(':') == colon) {
      return h.substring(0, colon); // host:port
    }
    return h; // a bare name or a bare IPv6 literal
  }

  private static boolean isIpLiteral(String host) {
    if (host.matches("^\\d{1,3}(\\.\\d{1,3}){3}$")) {
      return true;
    }
    if (host.indexOf(':') >= 0 && host.matches("^[0-9A-Fa-f:.]+$")) {
      try {
        InetAddress.getByName(host);
        return true;
      } catch (Exception e) {
        return false;
      }
    }
    return false;
  }

  static String pem(Object o) throws IOException {
    StringWriter sw = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
      w.writeObject(o);
    }
    return sw.toString();
  }

  private static void writeAtomically(Path target, String content, boolean secret)
      throws IOException {
    Path tmp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
    try {
      if (secret) {
        try {
          Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
          // not a POSIX file system
        }
      }
      Files.writeString(tmp, content, StandardCharsets.US_ASCII);
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
