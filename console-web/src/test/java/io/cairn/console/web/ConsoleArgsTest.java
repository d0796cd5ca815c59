package io.cairn.console.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConsoleArgsTest {
  @Test
  void defaultsOpenOnALocalEtcdPortAndListenOnLoopback() throws Exception {
    ConsoleConfig c = ConsoleArgs.parse(new String[0], Map.of());
    assertThat(c.endpoints()).containsExactly("127.0.0.1:2379");
    assertThat(c.host()).isEqualTo("127.0.0.1");
    assertThat(c.port()).isEqualTo(8080);
    assertThat(c.separator()).isEqualTo("/");
    assertThat(c.user()).isNull();
    assertThat(c.password()).isNull();
    assertThat(c.scrapeInterval()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void flagsTakeSeparateAndEqualsForms() throws Exception {
    ConsoleConfig c = ConsoleArgs.parse(new String[] {"--endpoints=127.0.0.1:2379,https://10.0.0.2:2379",
        "--port", "0", "--separator", ":", "--user", "root", "--scrape-interval=2"}, Map.of());
    assertThat(c.endpoints()).containsExactly("127.0.0.1:2379", "https://10.0.0.2:2379");
    assertThat(c.port()).isZero();
    assertThat(c.separator()).isEqualTo(":");
    assertThat(c.user()).isEqualTo("root");
    assertThat(c.scrapeInterval()).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void thePasswordMayComeFromTheEnvironment() throws Exception {
    ConsoleConfig c = ConsoleArgs.parse(new String[] {"--user", "root"},
        Map.of("CAIRN_CONSOLE_PASSWORD", "s3cret"));
    assertThat(c.password()).isEqualTo("s3cret");
  }

  @Test
  void badCommandLinesAreRefusedWithTheReason() {
    assertThatThrownBy(() -> ConsoleArgs.parse(new String[] {"--bogus", "1"}, Map.of()))
        .hasMessage("unknown flag: --bogus (see --help)");
    assertThatThrownBy(() -> ConsoleArgs.parse(new String[] {"--port", "http"}, Map.of()))
        .hasMessage("--port is not a number: 'http'");
    assertThatThrownBy(() -> ConsoleArgs.parse(new String[] {"--port", "70000"}, Map.of()))
        .hasMessage("--port must be between 0 and 65535, got 70000");
    assertThatThrownBy(() -> ConsoleArgs.parse(new String[] {"--endpoints"}, Map.of()))
        .hasMessage("flag needs an argument: --endpoints");
    assertThatThrownBy(() -> ConsoleArgs.parse(new String[] {"--endpoints", "a:b:c"}, Map.of()))
        .hasMessageStartingWith("--endpoints: not an endpoint");
    assertThatThrownBy(() -> ConsoleArgs.parse(new String[] {"--cacert", "/no/such/ca.pem"}, Map.of()))
        .hasMessage("--cacert: cannot read /no/such/ca.pem");
    assertThatThrownBy(() -> ConsoleArgs.parse(new String[] {"localhost"}, Map.of()))
        .hasMessageContaining("unexpected argument 'localhost'");
  }

  @Test
  void helpListsEveryFlag() {
    String help = ConsoleArgs.help();
    List<String> names = ConsoleArgs.flagNames();
    assertThat(names).contains("endpoints", "port", "user", "password", "cacert", "cert", "key");
    for (String name : names) {
      assertThat(help).contains("--" + name + " ");
    }
    assertThat(help).contains("--help");
  }
}
