package io.cairn.server.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;

/** Reading PEM certificates, keys and CRLs with Go's error wording. */
final class PemFiles {
  private PemFiles() {}

  static byte[] read(Path path, String field) {
    try {
      return Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      throw new TlsException("open " + path + ": no such file or directory", field, path, e);
    } catch (AccessDeniedException e) {
      throw new TlsException("open " + path + ": permission denied", field, path, e);
    } catch (IOException e) {
      if (Files.isDirectory(path)) {
        throw new TlsException("read " + path + ": is a directory", field, path, e);
      }
      throw new TlsException("read " + path + ": " + e.getMessage(), field, path, e);
    }
  }

  /** The PEM blocks of a file (type and DER bytes); blocks that fail to decode end the list. */
  private static List<PemObject> blocks(byte[] data) {
    List<PemObject> out = new ArrayList<>();
    try (PemReader r = new PemReader(new StringReader(new String(data, StandardCharsets.US_ASCII)))) {
      while (true) {
        PemObject o;
        try {
          o = r.readPemObject();
        } catch (IOException | RuntimeException e) {
          break; // like Go's pem.Decode: a broken block is not PEM data
        }
        if (o == null) {
          break;
        }
        out.add(o);
      }
    } catch (IOException e) {
      // closing a string reader does not fail
    }
    return out;
  }

  /** The certificate chain of a PEM file ({@code tls.LoadX509KeyPair}'s rules). */
  static List<X509Certificate> certificates(Path path, String field) {
    byte[] data = read(path, field);
    List<X509Certificate> out = new ArrayList<>();
    Set<String> skipped = new LinkedHashSet<>();
    JcaX509CertificateConverter conv = new JcaX509CertificateConverter();
    for (PemObject o : blocks(data)) {
      if (!o.getType().equals("CERTIFICATE")) {
        skipped.add(o.getType());
        continue;
      }
      try {
        out.add(conv.getCertificate(new X509CertificateHolder(o.getContent())));
      } catch (Exception e) {
        throw new TlsException("x509: malformed certificate (" + path + ")", field, path, e);
      }
    }
    if (out.isEmpty()) {
      if (skipped.isEmpty()) {
        throw new TlsException("tls: failed to find any PEM data in certificate input", field, path);
      }
      throw new TlsException("tls: failed to find \"CERTIFICATE\" PEM block in certificate input "
          + "after skipping PEM blocks of the following types: " + skipped, field, path);
    }
    return out;
  }

  /** A private key: PKCS#8 ("PRIVATE KEY"), PKCS#1 ("RSA PRIVATE KEY") or SEC1 ("EC ..."). */
  static PrivateKey privateKey(Path path, String field) {
    byte[] data = read(path, field);
    List<PemObject> blocks = blocks(data);
    Set<String> skipped = new LinkedHashSet<>();
    for (PemObject o : blocks) {
      String type = o.getType();
      if (!type.equals("PRIVATE KEY") && !type.endsWith(" PRIVATE KEY")) {
        skipped.add(type);
        continue;
      }
      try (PEMParser p = new PEMParser(new StringReader(
          new String(data, StandardCharsets.US_ASCII)))) {
        JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
        Object obj;
        while ((obj = p.readObject()) != null) {
          if (obj instanceof PEMKeyPair) {
            return conv.getPrivateKey(((PEMKeyPair) obj).getPrivateKeyInfo());
          }
          if (obj instanceof PrivateKeyInfo) {
            return conv.getPrivateKey((PrivateKeyInfo) obj);
          }
        }
      } catch (Exception e) {
        throw new TlsException("tls: failed to parse private key", field, path, e);
      }
      throw new TlsException("tls: failed to parse private key", field, path);
    }
    if (skipped.contains("CERTIFICATE")) {
      throw new TlsException(
          "tls: found a certificate rather than a key in the PEM for the private key", field, path);
    }
    if (blocks.isEmpty()) {
      throw new TlsException("tls: failed to find any PEM data in key input", field, path);
    }
    throw new TlsException("tls: failed to find PEM block with type ending in \"PRIVATE KEY\" "
        + "in key input after skipping PEM blocks of the following types: " + skipped, field, path);
  }

  /** Go's check that the key belongs to the leaf certificate. */
  static void checkKeyMatches(PrivateKey key, X509Certificate leaf, Path keyPath) {
    PublicKey pub = leaf.getPublicKey();
    String keyAlg = normalize(key.getAlgorithm());
    String pubAlg = normalize(pub.getAlgorithm());
    if (!keyAlg.equals(pubAlg)) {
      throw new TlsException("tls: private key type does not match public key type", "key-file",
          keyPath);
    }
    String sigAlg;
    switch (keyAlg) {
      case "RSA": sigAlg = "SHA256withRSA"; break;
      case "EC": sigAlg = "SHA256withECDSA"; break;
      case "Ed25519": sigAlg = "Ed25519"; break;
      default: return; // nothing to compare with; the handshake will tell
    }
    try {
      byte[] probe = "cairn key check".getBytes(StandardCharsets.US_ASCII);
      Signature s = Signature.getInstance(sigAlg);
      s.initSign(key);
      s.update(probe);
      byte[] sig = s.sign();
      Signature v = Signature.getInstance(sigAlg);
      v.initVerify(pub);
      v.update(probe);
      if (v.verify(sig)) {
        return;
      }
    } catch (Exception e) {
      // falls through: a key that cannot sign for this certificate does not match it
    }
    throw new TlsException("tls: private key does not match public key", "key-file", keyPath);
  }

  private static String normalize(String alg) {
    return alg.equals("ECDSA") ? "EC" : alg.equals("EdDSA") ? "Ed25519" : alg;
  }

  /** The serial numbers a CRL file (PEM or DER) lists, as etcd reads them. */
  static Set<BigInteger> revokedSerials(Path path, String field) {
    byte[] data = read(path, field);
    try {
      X509CRL crl = (X509CRL) CertificateFactory.getInstance("X.509")
          .generateCRL(new ByteArrayInputStream(data));
      Set<BigInteger> out = new LinkedHashSet<>();
      if (crl.getRevokedCertificates() != null) {
        crl.getRevokedCertificates().forEach(e -> out.add(e.getSerialNumber()));
      }
      return out;
    } catch (Exception e) {
      throw new TlsException("x509: malformed crl (" + path + ")", field, path, e);
    }
  }

}
