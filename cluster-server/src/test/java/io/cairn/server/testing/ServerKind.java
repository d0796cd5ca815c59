package io.cairn.server.testing;

import java.util.Locale;

/**
 * Which server implementation a test talks to. The member under test is chosen with the system
 * property {@code it.server} ({@code cairn}, the default, or {@code etcd}); differential tests
 * additionally start {@link #ETCD} explicitly as the reference.
 */
public enum ServerKind {
  /** Cairn, started through {@code bin/cairn-server} at the repository root. */
  CAIRN,
  /** The reference implementation, {@code /usr/bin/etcd} (override with {@code -Dit.etcd=PATH}). */
  ETCD;

  public static final String PROPERTY = "it.server";

  /** The kind selected by {@code -Dit.server=...}; {@link #CAIRN} when the property is unset. */
  public static ServerKind underTest() {
    String value = System.getProperty(PROPERTY, "").trim();
    if (value.isEmpty()) {
      return CAIRN;
    }
    try {
      return valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "-D" + PROPERTY + "=" + value + " is not one of cairn, etcd", e);
    }
  }

  /** The reference server for differential comparisons, regardless of {@code it.server}. */
  public static ServerKind reference() {
    return ETCD;
  }

  public boolean isCairn() {
    return this == CAIRN;
  }
}
