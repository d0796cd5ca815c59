package io.cairn.server.auth;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECKey;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/**
 * etcd's JWT tokens ({@code --auth-token jwt,pub-key=...,priv-key=...,sign-method=RS256,ttl=10m}):
 * claims {@code exp}, {@code revision} and {@code username}, signed RS256/384/512 or
 * ES256/384/512. Stateless: any member with the public key can check them.
 */
public final class JwtTokens implements TokenProvider {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();
  private static final Pattern STR = Pattern.compile("\"(\\w+)\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
  private static final Pattern NUM = Pattern.compile("\"(\\w+)\"\\s*:\\s*(-?[0-9.eE+]+)");

  private final String method;
  private final PublicKey publicKey;
  private final PrivateKey privateKey;
  private final Duration ttl;
  private final LongSupplier epochMillis;

  public JwtTokens(String method, PublicKey publicKey, PrivateKey privateKey, Duration ttl,
      LongSupplier epochMillis) {
    this.method = method;
    this.publicKey = publicKey;
    this.privateKey = privateKey;
    this.ttl = ttl;
    this.epochMillis = epochMillis;
    javaAlgorithm(method);
  }

  static JwtTokens fromOptions(String[] parts) {
    Map<String, String> o = new LinkedHashMap<>();
    for (int i = 1; i < parts.length; i++) {
      int eq = parts[i].indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException("invalid auth token option: " + parts[i]);
      }
      o.put(parts[i].substring(0, eq), parts[i].substring(eq + 1));
    }
    String method = o.getOrDefault("sign-method", "");
    if (method.isEmpty()) {
      throw new IllegalArgumentException("jwt: sign-method is required");
    }
    Duration ttl = o.containsKey("ttl") ? parseGoDuration(o.get("ttl")) : Duration.ofMinutes(5);
    PublicKey pub = o.containsKey("pub-key") ? readPublic(Path.of(o.get("pub-key"))) : null;
    PrivateKey priv = o.containsKey("priv-key") ? readPrivate(Path.of(o.get("priv-key"))) : null;
    if (pub == null) {
      throw new IllegalArgumentException("jwt: pub-key is required");
    }
    return new JwtTokens(method, pub, priv, ttl, System::currentTimeMillis);
  }

  static Duration parseGoDuration(String s) {
    Matcher m = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|ms|s|m|h)").matcher(s);
    double nanos = 0;
    int at = 0;
    while (m.find() && m.start() == at) {
      double v = Double.parseDouble(m.group(1));
      nanos += v * switch (m.group(2)) {
        case "ns" -> 1;
        case "us" -> 1e3;
        case "ms" -> 1e6;
        case "s" -> 1e9;
        case "m" -> 60e9;
        default -> 3600e9;
      };
      at = m.end();
    }
    if (at != s.length() || s.isEmpty()) {
      throw new IllegalArgumentException("invalid ttl: " + s);
    }
    return Duration.ofNanos((long) nanos);
  }

  private static Object pem(Path p) {
    try (Reader r = Files.newBufferedReader(p, StandardCharsets.US_ASCII);
        PEMParser parser = new PEMParser(r)) {
      Object o = parser.readObject();
      if (o == null) {
        throw new IllegalArgumentException("no PEM block in " + p);
      }
      return o;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static PublicKey readPublic(Path p) {
    try {
      Object o = pem(p);
      JcaPEMKeyConverter c = new JcaPEMKeyConverter();
      if (o instanceof SubjectPublicKeyInfo spki) {
        return c.getPublicKey(spki);
      }
      if (o instanceof X509CertificateHolder cert) {
        return c.getPublicKey(cert.getSubjectPublicKeyInfo());
      }
      if (o instanceof PEMKeyPair kp) {
        return c.getKeyPair(kp).getPublic();
      }
      throw new IllegalArgumentException("not a public key: " + p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static PrivateKey readPrivate(Path p) {
    try {
      Object o = pem(p);
      JcaPEMKeyConverter c = new JcaPEMKeyConverter();
      if (o instanceof PEMKeyPair kp) {
        return c.getKeyPair(kp).getPrivate();
      }
      if (o instanceof PrivateKeyInfo pki) {
        return c.getPrivateKey(pki);
      }
      throw new IllegalArgumentException("not a private key: " + p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String javaAlgorithm(String method) {
    return switch (method) {
      case "RS256" -> "SHA256withRSA";
      case "RS384" -> "SHA384withRSA";
      case "RS512" -> "SHA512withRSA";
      case "ES256" -> "SHA256withECDSA";
      case "ES384" -> "SHA384withECDSA";
      case "ES512" -> "SHA512withECDSA";
      default -> throw new IllegalArgumentException("unsupported sign method: " + method);
    };
  }

  private boolean ecdsa() {
    return method.startsWith("ES");
  }

  private int ecSize() {
    int bits = ((ECKey) publicKey).getParams().getCurve().getField().getFieldSize();
    return (bits + 7) / 8;
  }

  @Override
  public String assign(String user, long revision, String prefix, long index) {
    if (privateKey == null) {
      throw new IllegalStateException("jwt: no private key to sign with");
    }
    long exp = (epochMillis.getAsLong() + ttl.toMillis()) / 1000;
    String header = "{\"alg\":\"" + method + "\",\"typ\":\"JWT\"}";
    String claims = "{\"exp\":" + exp + ",\"revision\":" + revision + ",\"username\":\""
        + jsonEscape(user) + "\"}";
    String signing = B64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
        + B64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
    try {
      Signature s = Signature.getInstance(javaAlgorithm(method));
      s.initSign(privateKey);
      s.update(signing.getBytes(StandardCharsets.US_ASCII));
      byte[] sig = s.sign();
      if (ecdsa()) {
        sig = derToRaw(sig, ecSize());
      }
      return signing + "." + B64.encodeToString(sig);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("jwt: signing failed: " + e.getMessage(), e);
    }
  }

  @Override
  public AuthInfo info(String token, long currentRevision) {
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) {
      return null;
    }
    try {
      String header = new String(B64D.decode(parts[0]), StandardCharsets.UTF_8);
      Map<String, String> h = strings(header);
      if (!method.equals(h.get("alg"))) {
        return null;
      }
      byte[] sig = B64D.decode(parts[2]);
      if (ecdsa()) {
        if (sig.length != 2 * ecSize()) {
          return null;
        }
        sig = rawToDer(sig);
      }
      Signature s = Signature.getInstance(javaAlgorithm(method));
      s.initVerify(publicKey);
      s.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
      if (!s.verify(sig)) {
        return null;
      }
      String claims = new String(B64D.decode(parts[1]), StandardCharsets.UTF_8);
      Map<String, String> str = strings(claims);
      Map<String, String> num = numbers(claims);
      String user = str.get("username");
      if (user == null || !num.containsKey("revision")) {
        return null;
      }
      if (num.containsKey("exp")
          && (long) Double.parseDouble(num.get("exp")) * 1000 <= epochMillis.getAsLong()) {
        return null;
      }
      return new AuthInfo(unescape(user), (long) Double.parseDouble(num.get("revision")));
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      return null;
    }
  }

  private static Map<String, String> strings(String json) {
    Map<String, String> m = new LinkedHashMap<>();
    Matcher x = STR.matcher(json);
    while (x.find()) {
      m.put(x.group(1), x.group(2));
    }
    return m;
  }

  private static Map<String, String> numbers(String json) {
    Map<String, String> m = new LinkedHashMap<>();
    Matcher x = NUM.matcher(json);
    while (x.find()) {
      m.put(x.group(1), x.group(2));
    }
    return m;
  }

  private static String jsonEscape(String s) {
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  private static String unescape(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        char n = s.charAt(++i);
        switch (n) {
          case 'u' -> {
            b.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
            i += 4;
          }
          case 'n' -> b.append('\n');
          case 't' -> b.append('\t');
          case 'r' -> b.append('\r');
          case 'b' -> b.append('\b');
          case 'f' -> b.append('\f');
          default -> b.append(n);
        }
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  /** JWS wants ECDSA signatures as R||S, fixed width; the JDK speaks DER. */
  static byte[] derToRaw(byte[] der, int size) {
    int i = 2;
    if ((der[1] & 0x80) != 0) {
      i = 2 + (der[1] & 0x7f);
    }
    byte[] out = new byte[2 * size];
    for (int k = 0; k < 2; k++) {
      int len = der[i + 1] & 0xff;
      byte[] v = java.util.Arrays.copyOfRange(der, i + 2, i + 2 + len);
      BigInteger n = new BigInteger(1, v);
      byte[] b = n.toByteArray();
      int off = b.length > size ? b.length - size : 0;
      int n2 = b.length - off;
      System.arraycopy(b, off, out, (k + 1) * size - n2, n2);
      i += 2 + len;
    }
    return out;
  }

  static byte[] rawToDer(byte[] raw) {
    int size = raw.length / 2;
    byte[] r = new BigInteger(1, java.util.Arrays.copyOfRange(raw, 0, size)).toByteArray();
    byte[] s = new BigInteger(1, java.util.Arrays.copyOfRange(raw, size, raw.length)).toByteArray();
    int len = 2 + r.length + 2 + s.length;
    java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
    o.write(0x30);
    if (len >= 128) {
      o.write(0x81);
    }
    o.write(len);
    o.write(0x02);
    o.write(r.length);
    o.writeBytes(r);
    o.write(0x02);
    o.write(s.length);
    o.writeBytes(s);
    return o.toByteArray();
  }
}
