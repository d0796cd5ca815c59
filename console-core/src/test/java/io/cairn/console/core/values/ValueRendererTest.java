package io.cairn.console.core.values;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ValueRendererTest {
  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void jsonObjectIsPrettyPrintedWithNumbersKeptExactly() {
    RenderedValue r = ValueRenderer.render(utf8("{\"a\":1.10,\"b\":[1,2],\"big\":123456789012345678901234567890}"));
    assertThat(r.format()).isEqualTo(Format.JSON);
    assertThat(r.text()).contains("\"a\" : 1.10").contains("123456789012345678901234567890")
        .contains("\n");
    assertThat(r.available()).containsExactly(Format.JSON, Format.TEXT, Format.HEX);
    assertThat(r.utf8()).isTrue();
  }

  @Test
  void jsonScalarAndBrokenJsonAreText() {
    assertThat(ValueRenderer.render(utf8("42")).format()).isEqualTo(Format.TEXT);
    RenderedValue broken = ValueRenderer.render(utf8("{\"a\": 1"));
    assertThat(broken.format()).isEqualTo(Format.TEXT);
    assertThat(broken.available()).doesNotContain(Format.JSON);
    assertThat(ValueRenderer.render(utf8("{\"a\":1} trailing"), Format.JSON).text())
        .startsWith("Not a JSON document");
  }

  @Test
  void multiLineYamlMapIsYamlButASingleLineWithAColonIsText() {
    RenderedValue r = ValueRenderer.render(utf8("name: cairn\nports:\n  - 2379\n  - 2380\n"));
    assertThat(r.format()).isEqualTo(Format.YAML);
    assertThat(r.text()).contains("name: cairn").contains("- 2379");
    assertThat(ValueRenderer.render(utf8("Note: call back later")).format())
        .isEqualTo(Format.TEXT);
    assertThat(ValueRenderer.render(utf8("just some\nplain text lines\n")).format())
        .isEqualTo(Format.TEXT);
  }

  @Test
  void binaryIsAHexDumpAndTextCannotBeForced() {
    byte[] v = {0, 1, 2, (byte) 0xff, 'A', 'b', 0x7f, (byte) 0x80};
    RenderedValue r = ValueRenderer.render(v);
    assertThat(r.format()).isEqualTo(Format.HEX);
    assertThat(r.utf8()).isFalse();
    assertThat(r.available()).containsExactly(Format.HEX);
    assertThat(r.text()).isEqualTo(
        "00000000  00 01 02 ff 41 62 7f 80                           |....Ab..|\n");
    assertThat(ValueRenderer.render(v, Format.TEXT).text()).startsWith("Not valid UTF-8");
    assertThat(ValueRenderer.render(v, Format.YAML).text()).startsWith("Not a YAML");
  }

  @Test
  void hexDumpHasSixteenBytesPerLineAndIsBounded() {
    byte[] v = new byte[ValueRenderer.MAX_HEX_BYTES + 100];
    Arrays.fill(v, (byte) 'x');
    String dump = ValueRenderer.hexDump(v);
    List<String> lines = dump.lines().toList();
    assertThat(lines).hasSize(ValueRenderer.MAX_HEX_BYTES / 16 + 1);
    assertThat(lines.get(1)).isEqualTo(
        "00000010  78 78 78 78 78 78 78 78  78 78 78 78 78 78 78 78  |xxxxxxxxxxxxxxxx|");
    assertThat(lines.get(lines.size() - 1)).isEqualTo("… 100 more bytes");
  }

  @Test
  void utf8WithControlCharactersDefaultsToHexButOffersText() {
    RenderedValue r = ValueRenderer.render(utf8("a\u0001b"));
    assertThat(r.format()).isEqualTo(Format.HEX);
    assertThat(r.available()).containsExactly(Format.HEX, Format.TEXT);
    assertThat(ValueRenderer.render(utf8("a\u0001b"), Format.TEXT).text()).isEqualTo("a\u0001b");
  }

  @Test
  void hugeValuesRenderOnlyTheFirstMebibyteAndSaySo() {
    byte[] v = new byte[3 * 1024 * 1024];
    Arrays.fill(v, (byte) 'a');
    // A multi-byte character across the 1 MiB boundary must not be cut into invalid UTF-8.
    byte[] euro = utf8("€");
    System.arraycopy(euro, 0, v, ValueRenderer.MAX_RENDERED_BYTES - 1, euro.length);
    RenderedValue r = ValueRenderer.render(v);
    assertThat(r.format()).isEqualTo(Format.TEXT);
    assertThat(r.text()).startsWith("[showing the first " + (ValueRenderer.MAX_RENDERED_BYTES - 1)
        + " of " + v.length + " bytes]");
    assertThat(r.text().length()).isLessThan(ValueRenderer.MAX_RENDERED_BYTES + 100);
  }

  @Test
  void isTextAcceptsPrintableUtf8AndRejectsBadSequences() {
    assertThat(ValueRenderer.isText(utf8("héllo wörld\ttab\r\n日本"))).isTrue();
    assertThat(ValueRenderer.isText(new byte[0])).isTrue();
    assertThat(ValueRenderer.isText(new byte[] {(byte) 0xc0, (byte) 0x80})).isFalse(); // overlong
    assertThat(ValueRenderer.isText(new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80})).isFalse();
    assertThat(ValueRenderer.isText(new byte[] {(byte) 0xe2, (byte) 0x82})).isFalse(); // truncated
    assertThat(ValueRenderer.isText(utf8("bell\u0007"))).isFalse();
  }

  @Test
  void displayKeyEscapesOnlyTheBadBytes() {
    assertThat(ValueRenderer.displayKey(utf8("services/api/ключ"))).isEqualTo("services/api/ключ");
    byte[] mixed = {'a', '/', (byte) 0xff, 'b', (byte) 0xc3, (byte) 0xa9, 0, '\\'};
    assertThat(ValueRenderer.displayKey(mixed)).isEqualTo("a/\\xffbé\\x00\\x5c");
  }
}
