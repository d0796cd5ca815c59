package io.cairn.console.core.watch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.etcd.jetcd.ByteSequence;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * Watched events as text files. Keys and values are written as UTF-8 text when they are printable
 * text, otherwise as base64 with a flag saying so, so binary values survive the round trip.
 */
public final class WatchExport {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CSV_HEADER = "revision,type,key,key_base64,value,value_base64,prev_value,"
      + "prev_value_base64,create_revision,mod_revision,version,received";

  private WatchExport() {}

  /**
   * One JSON object per line: {@code revision, type, key, keyBase64, value, valueBase64,
   * prevValue, prevValueBase64, createRevision, modRevision, version, received} ({@code prevValue}
   * is null when unknown; {@code received} is ISO-8601).
   */
  public static String jsonLines(List<WatchedEvent> events) {
    StringBuilder out = new StringBuilder();
    for (WatchedEvent e : events) {
      ObjectNode o = JSON.createObjectNode();
      o.put("revision", e.revision());
      o.put("type", e.type().name());
      putBytes(o, "key", e.key());
      putBytes(o, "value", e.value());
      putBytes(o, "prevValue", e.prevValue());
      o.put("createRevision", e.createRevision());
      o.put("modRevision", e.modRevision());
      o.put("version", e.version());
      o.put("received", e.received() == null ? null : e.received().toString());
      try {
        out.append(JSON.writeValueAsString(o)).append('\n');
      } catch (JsonProcessingException impossible) {
        throw new IllegalStateException(impossible);
      }
    }
    return out.toString();
  }

  /**
   * RFC 4180 CSV with a header line; the {@code *_base64} columns say whether the column before
   * holds base64. An unknown previous value is an empty cell with an empty flag.
   */
  public static String csv(List<WatchedEvent> events) {
    StringBuilder out = new StringBuilder(CSV_HEADER).append("\r\n");
    for (WatchedEvent e : events) {
      out.append(e.revision()).append(',').append(e.type().name()).append(',');
      appendBytes(out, e.key());
      appendBytes(out, e.value());
      appendBytes(out, e.prevValue());
      out.append(e.createRevision()).append(',').append(e.modRevision()).append(',').append(e.version())
          .append(',').append(e.received() == null ? "" : e.received().toString()).append("\r\n");
    }
    return out.toString();
  }

  private static void putBytes(ObjectNode o, String field, ByteSequence bytes) {
    if (bytes == null) {
      o.putNull(field);
      o.putNull(field + "Base64");
      return;
    }
    String text = printableText(bytes.getBytes());
    o.put(field, text != null ? text : Base64.getEncoder().encodeToString(bytes.getBytes()));
    o.put(field + "Base64", text == null);
  }

  private static void appendBytes(StringBuilder out, ByteSequence bytes) {
    if (bytes == null) {
      out.append(",,");
      return;
    }
    String text = printableText(bytes.getBytes());
    out.append(csvCell(text != null ? text : Base64.getEncoder().encodeToString(bytes.getBytes())))
        .append(',').append(text == null).append(',');
  }

  /** The bytes as text if they are valid UTF-8 without control characters other than tab and newlines. */
  static String printableText(byte[] bytes) {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if ((Character.isISOControl(c) && c != '\t' && c != '\n' && c != '\r') || c == '\uFFFD') {
        return null;
      }
    }
    return text;
  }

  private static String csvCell(String s) {
    if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
      return s;
    }
    return '"' + s.replace("\"", "\"\"") + '"';
  }
}
