package io.cairn.console.web.ui;

import io.cairn.console.core.values.ValueRenderer;
import io.etcd.jetcd.ByteSequence;
import java.nio.charset.StandardCharsets;

/** Keys as text fields take them and as pages show them. */
public final class Keys {
  private Keys() {}

  /** What an operator typed: UTF-8, with {@code \xNN} escapes for other bytes. */
  public static ByteSequence fromInput(String text) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < utf8.length; i++) {
      if (utf8[i] == '\\' && i + 3 < utf8.length && utf8[i + 1] == 'x'
          && hex(utf8[i + 2]) >= 0 && hex(utf8[i + 3]) >= 0) {
        out.write(hex(utf8[i + 2]) * 16 + hex(utf8[i + 3]));
        i += 3;
      } else {
        out.write(utf8[i]);
      }
    }
    return ByteSequence.from(out.toByteArray());
  }

  public static String display(ByteSequence key) {
    return ValueRenderer.displayKey(key.getBytes());
  }

  /** Lease IDs as etcdctl prints them: hexadecimal. */
  public static String lease(long id) {
    return id == 0 ? "none" : Long.toHexString(id);
  }

  private static int hex(byte b) {
    return Character.digit((char) b, 16);
  }
}
