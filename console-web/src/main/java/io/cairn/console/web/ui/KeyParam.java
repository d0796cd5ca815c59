package io.cairn.console.web.ui;

import io.etcd.jetcd.ByteSequence;
import java.util.Base64;
import java.util.Optional;

/** Keys in page URLs: base64url of the key's bytes, so binary keys survive a link. */
public final class KeyParam {
  private KeyParam() {}

  public static String encode(ByteSequence key) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(key.getBytes());
  }

  public static Optional<ByteSequence> decode(String param) {
    if (param == null || param.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(ByteSequence.from(Base64.getUrlDecoder().decode(param)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
