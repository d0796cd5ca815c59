package io.cairn.server.testing.history;

import java.util.Objects;

/**
 * A single-key operation a client issues against the store. Every value written (by a put or a
 * compare-and-swap) must be unique within a history, so that a value read identifies its write.
 */
public sealed interface Op permits Op.Put, Op.Get, Op.Delete, Op.Cas {

  /** The key the operation works on. */
  String key();

  /** Writes {@code value} to {@code key}. */
  record Put(String key, String value) implements Op {
    public Put {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
    }

    @Override
    public String toString() {
      return "Put(" + key + ", " + value + ")";
    }
  }

  /** Reads {@code key} (a linearizable read, not a serializable one). */
  record Get(String key) implements Op {
    public Get {
      Objects.requireNonNull(key, "key");
    }

    @Override
    public String toString() {
      return "Get(" + key + ")";
    }
  }

  /** Deletes the single key {@code key}. */
  record Delete(String key) implements Op {
    public Delete {
      Objects.requireNonNull(key, "key");
    }

    @Override
    public String toString() {
      return "Delete(" + key + ")";
    }
  }

  /**
   * Writes {@code newValue} if the current value of {@code key} is {@code expectedValue}; a
   * {@code null} expected value means "the key must be absent".
   */
  record Cas(String key, String expectedValue, String newValue) implements Op {
    public Cas {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(newValue, "newValue");
    }

    @Override
    public String toString() {
      return "Cas(" + key + ", " + (expectedValue == null ? "<absent>" : expectedValue) + " -> "
          + newValue + ")";
    }
  }

  static Put put(String key, String value) {
    return new Put(key, value);
  }

  static Get get(String key) {
    return new Get(key);
  }

  static Delete delete(String key) {
    return new Delete(key);
  }

  static Cas cas(String key, String expectedValue, String newValue) {
    return new Cas(key, expectedValue, newValue);
  }
}
