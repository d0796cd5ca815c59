package io.cairn.console.core.values;

/** How a value is shown. */
public enum Format {
  TEXT,
  JSON,
  YAML,
  HEX
}
