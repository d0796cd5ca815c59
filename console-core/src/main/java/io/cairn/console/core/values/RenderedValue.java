package io.cairn.console.core.values;

import java.util.List;

/**
 * A value rendered for display: the {@code format} used, the {@code text} to show, whether the bytes
 * are valid UTF-8, and the formats this value can be shown in (HEX always).
 */
public record RenderedValue(Format format, String text, boolean utf8, List<Format> available) {
  public RenderedValue {
    available = List.copyOf(available);
  }
}
