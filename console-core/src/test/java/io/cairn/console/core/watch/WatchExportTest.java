package io.cairn.console.core.watch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.etcd.jetcd.ByteSequence;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class WatchExportTest {
  private static final Instant AT = Instant.parse("2025-01-02T03:04:05.678Z");
  private static final byte[] BINARY = {0, (byte) 0xff, 1, 2};

  private final List<WatchedEvent> events = List.of(
      new WatchedEvent(7, WatchedEvent.Type.PUT, text("k1"), text("héllo, \"world\""), text("old"), 5, 7, 2, AT),
      new WatchedEvent(8, WatchedEvent.Type.PUT, text("bin"), ByteSequence.from(BINARY), null, 8, 8, 1, AT),
      new WatchedEvent(9, WatchedEvent.Type.DELETE, text("k1"), ByteSequence.EMPTY, null, 0, 9, 0, AT));

  @Test
  void jsonLinesWritesOneObjectPerEventWithBinaryAsFlaggedBase64() throws Exception {
    String[] lines = WatchExport.jsonLines(events).split("\n");
    assertThat(lines).hasSize(3);
    ObjectMapper json = new ObjectMapper();
    JsonNode first = json.readTree(lines[0]);
    assertThat(first.get("revision").asLong()).isEqualTo(7);
    assertThat(first.get("type").asText()).isEqualTo("PUT");
    assertThat(first.get("value").asText()).isEqualTo("héllo, \"world\"");
    assertThat(first.get("valueBase64").asBoolean()).isFalse();
    assertThat(first.get("prevValue").asText()).isEqualTo("old");
    assertThat(first.get("createRevision").asLong()).isEqualTo(5);
    assertThat(first.get("version").asLong()).isEqualTo(2);
    assertThat(first.get("received").asText()).isEqualTo("2025-01-02T03:04:05.678Z");
    JsonNode second = json.readTree(lines[1]);
    assertThat(second.get("valueBase64").asBoolean()).isTrue();
    assertThat(Base64.getDecoder().decode(second.get("value").asText())).isEqualTo(BINARY);
    assertThat(second.get("prevValue").isNull()).isTrue();
    assertThat(json.readTree(lines[2]).get("type").asText()).isEqualTo("DELETE");
  }

  @Test
  void csvHasAHeaderQuotesSpecialCellsAndFlagsBase64() {
    String[] lines = WatchExport.csv(events).split("\r\n");
    assertThat(lines[0]).startsWith("revision,type,key,key_base64,value,value_base64,prev_value");
    assertThat(lines[1]).isEqualTo("7,PUT,k1,false,\"héllo, \"\"world\"\"\",false,old,false,5,7,2,2025-01-02T03:04:05.678Z");
    assertThat(lines[2]).isEqualTo("8,PUT,bin,false," + Base64.getEncoder().encodeToString(BINARY)
        + ",true,,,8,8,1,2025-01-02T03:04:05.678Z");
    assertThat(lines[3]).startsWith("9,DELETE,k1,false,,false,,,0,9,0,");
  }

  @Test
  void controlCharactersAndInvalidUtf8AreNotPrintable() {
    assertThat(WatchExport.printableText("tab\tand\nnewline".getBytes(StandardCharsets.UTF_8))).isNotNull();
    assertThat(WatchExport.printableText(new byte[] {'a', 7})).isNull();
    assertThat(WatchExport.printableText(new byte[] {(byte) 0xc3})).isNull();
  }

  private static ByteSequence text(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }
}
