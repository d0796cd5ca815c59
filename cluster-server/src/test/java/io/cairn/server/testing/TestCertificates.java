package io.cairn.server.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates for tests, generated into a directory (typically a JUnit {@code @TempDir}):
 * <ul>
 *   <li>{@code ca.crt}/{@code ca.key}: a CA;</li>
 *   <li>{@code server.crt}/{@code server.key}: an RSA server certificate from that CA for
 *       localhost, 127.0.0.1 and ::1 (server and client auth, so it can serve peers too);
 *       {@code server-pkcs1.key} is the same key as "BEGIN RSA PRIVATE KEY";</li>
 *   <li>{@code client-root.crt}/{@code .key}: a client certificate with CN "root";</li>
 *   <li>{@code other-ca.crt} and {@code other-client.crt}/{@code .key}: an unrelated CA and a
 *       client certificate (CN "root") from it, for negative tests;</li>
 *   <li>{@code revoked-client.crt}/{@code .key} (CN "revoked") and {@code ca.crl}, a CRL of
 *       the CA revoking it.</li>
 * </ul>
 * Keys are PKCS#8 PEM unless said otherwise. {@link Certs#clientCert(String)} issues more
 * client certificates from the same CA; {@link Certs#crlRevoking} writes other CRLs.
 */
public final class TestCertificates {
  private TestCertificates() {}

  /** A certificate file and its key file. */
  public record CertKey(Path cert, Path key) {}

  /** The files made by {@link #create(Path)}. */
  public record Certs(
      Path dir,
      Path caCert,
      Path caKey,
      Path serverCert,
      Path serverKey,
      Path serverKeyPkcs1,
      Path clientCert,
      Path clientKey,
      Path otherCaCert,
      Path otherClientCert,
      Path otherClientKey,
      Path revokedClientCert,
      Path revokedClientKey,
      Path crl) {

    public CertKey server() {
      return new CertKey(serverCert, serverKey);
    }

    public CertKey client() {
      return new CertKey(clientCert, clientKey);
    }

    public CertKey otherClient() {
      return new CertKey(otherClientCert, otherClientKey);
    }

    public CertKey revokedClient() {
      return new CertKey(revokedClientCert, revokedClientKey);
    }

    /** A new client certificate (client auth only) from the CA, for {@code cn}. */
    public CertKey clientCert(String cn) {
      return issue(cn, cn.replaceAll("[^A-Za-z0-9_.-]", "_"), false, List.of());
    }

    /**
     * A new certificate from the CA usable for both server and client authentication (a
     * peer's), for {@code cn} with the given DNS names / IP literals as SANs.
     */
    public CertKey peerCert(String cn, String... hosts) {
      return issue(cn, "peer-" + cn.replaceAll("[^A-Za-z0-9_.-]", "_"), true, List.of(hosts));
    }

    private CertKey issue(String cn, String fileBase, boolean serverToo, List<String> hosts) {
      try {
        Authority ca = Authority.read(caCert, caKey);
        KeyPair kp = ec();
        X509Certificate c = ca.sign(kp, "CN=" + cn, serverToo, hosts);
        String base = fileBase + "-" + SEQ.incrementAndGet();
        return new CertKey(write(dir.resolve(base + ".crt"), pem(c)),
            write(dir.resolve(base + ".key"), pkcs8(kp.getPrivate())));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    /** A CRL signed by the CA that revokes the given certificates. */
    public Path crlRevoking(String fileName, CertKey... revoked) {
      try {
        Authority ca = Authority.read(caCert, caKey);
        List<BigInteger> serials = new ArrayList<>();
        for (CertKey ck : revoked) {
          serials.add(readCert(ck.cert()).getSerialNumber());
        }
        return write(dir.resolve(fileName), ca.crl(serials));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private static final AtomicLong SEQ = new AtomicLong();
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Generates the set described above into {@code dir} (created if needed). */
  public static Certs create(Path dir) {
    try {
      Files.createDirectories(dir);
      Authority ca = Authority.create("CN=Cairn Test CA");
      Path caCert = write(dir.resolve("ca.crt"), pem(ca.cert));
      Path caKey = write(dir.resolve("ca.key"), pkcs8(ca.key));

      KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
      rsa.initialize(2048, RANDOM);
      KeyPair serverKp = rsa.generateKeyPair();
      X509Certificate server = ca.sign(serverKp, "CN=localhost", true,
          List.of("localhost", "127.0.0.1", "::1"));
      Path serverCert = write(dir.resolve("server.crt"), pem(server));
      Path serverKey = write(dir.resolve("server.key"), pkcs8(serverKp.getPrivate()));
      Path serverKeyPkcs1 = write(dir.resolve("server-pkcs1.key"), pem(serverKp.getPrivate()));

      KeyPair clientKp = ec();
      Path clientCert = write(dir.resolve("client-root.crt"),
          pem(ca.sign(clientKp, "CN=root", false, List.of())));
      Path clientKey = write(dir.resolve("client-root.key"), pkcs8(clientKp.getPrivate()));

      Authority other = Authority.create("CN=Unrelated Test CA");
      Path otherCaCert = write(dir.resolve("other-ca.crt"), pem(other.cert));
      KeyPair otherKp = ec();
      Path otherClientCert = write(dir.resolve("other-client.crt"),
          pem(other.sign(otherKp, "CN=root", false, List.of())));
      Path otherClientKey = write(dir.resolve("other-client.key"), pkcs8(otherKp.getPrivate()));

      KeyPair revokedKp = ec();
      X509Certificate revoked = ca.sign(revokedKp, "CN=revoked", false, List.of());
      Path revokedCert = write(dir.resolve("revoked-client.crt"), pem(revoked));
      Path revokedKey = write(dir.resolve("revoked-client.key"), pkcs8(revokedKp.getPrivate()));
      Path crl = write(dir.resolve("ca.crl"), ca.crl(List.of(revoked.getSerialNumber())));

      return new Certs(dir, caCert, caKey, serverCert, serverKey, serverKeyPkcs1, clientCert,
          clientKey, otherCaCert, otherClientCert, otherClientKey, revokedCert, revokedKey, crl);
    } catch (Exception e) {
      throw new IllegalStateException("cannot create test certificates: " + e, e);
    }
  }

  /** A CA: its certificate and key. */
  private static final class Authority {
    final X509Certificate cert;
    final PrivateKey key;

    Authority(X509Certificate cert, PrivateKey key) {
      this.cert = cert;
      this.key = key;
    }

    static Authority create(String dn) throws Exception {
      KeyPair kp = ec();
      X500Name name = new X500Name(dn);
      Instant now = Instant.now();
      JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(),
          Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(3650))),
          name, kp.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      b.addExtension(Extension.keyUsage, true,
          new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
      return new Authority(convert(b.build(
          new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate()))),
          kp.getPrivate());
    }

    static Authority read(Path certFile, Path keyFile) throws Exception {
      return new Authority(readCert(certFile), readKey(keyFile));
    }

    X509Certificate sign(KeyPair subject, String dn, boolean serverToo, List<String> hosts)
        throws Exception {
      Instant now = Instant.now();
      JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
          new X500Name(cert.getSubjectX500Principal().getName()), serial(),
          Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(365))),
          new X500Name(dn), subject.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true,
          new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(serverToo
          ? new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}
          : new KeyPurposeId[] {KeyPurposeId.id_kp_clientAuth}));
      if (!hosts.isEmpty()) {
        List<GeneralName> names = new ArrayList<>();
        for (String h : hosts) {
          boolean ip = h.contains(":") || h.matches("^\\d{1,3}(\\.\\d{1,3}){3}$");
          names.add(ip ? new GeneralName(GeneralName.iPAddress,
              InetAddress.getByName(h).getHostAddress()) : new GeneralName(GeneralName.dNSName, h));
        }
        b.addExtension(Extension.subjectAlternativeName, false,
            new GeneralNames(names.toArray(new GeneralName[0])));
      }
      return convert(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
    }

    String crl(List<BigInteger> serials) throws Exception {
      Instant now = Instant.now();
      X509v2CRLBuilder b = new X509v2CRLBuilder(
          new X500Name(cert.getSubjectX500Principal().getName()),
          Date.from(now.minus(Duration.ofMinutes(5))));
      b.setNextUpdate(Date.from(now.plus(Duration.ofDays(30))));
      for (BigInteger s : serials) {
        b.addCRLEntry(s, Date.from(now.minus(Duration.ofMinutes(1))), CRLReason.keyCompromise);
      }
      return pem(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
    }
  }

  private static KeyPair ec() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return g.generateKeyPair();
  }

  private static BigInteger serial() {
    return new BigInteger(64, RANDOM).add(BigInteger.ONE);
  }

  private static X509Certificate convert(X509CertificateHolder h) throws Exception {
    return new JcaX509CertificateConverter().getCertificate(h);
  }

  private static String pem(Object o) throws IOException {
    StringWriter sw = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
      w.writeObject(o);
    }
    return sw.toString();
  }

  private static String pkcs8(PrivateKey k) throws IOException {
    StringWriter sw = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
      w.writeObject(new JcaPKCS8Generator(k, null));
    }
    return sw.toString();
  }

  private static Path write(Path p, String content) throws IOException {
    Files.writeString(p, content, StandardCharsets.US_ASCII);
    return p;
  }

  private static X509Certificate readCert(Path p) throws Exception {
    try (PEMParser parser = new PEMParser(Files.newBufferedReader(p))) {
      return convert((X509CertificateHolder) parser.readObject());
    }
  }

  private static PrivateKey readKey(Path p) throws Exception {
    try (PEMParser parser = new PEMParser(Files.newBufferedReader(p))) {
      Object o = parser.readObject();
      JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
      return o instanceof PEMKeyPair ? conv.getKeyPair((PEMKeyPair) o).getPrivate()
          : conv.getPrivateKey((PrivateKeyInfo) o);
    }
  }
}
