package io.cairn.console.core.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConnectionProfileTest {
  @Test
  void parseEndpointsSplitsCommaSeparatedEntriesInEveryAcceptedForm() {
    assertThat(ConnectionProfile.parseEndpoints(" a.example:2379, http://10.0.0.2:2379 ,https://[::1]:2379,,"))
        .containsExactly("a.example:2379", "http://10.0.0.2:2379", "https://[::1]:2379");
  }

  @Test
  void parseEndpointsRejectsWhatIsNotHostAndPort() {
    assertThatThrownBy(() -> ConnectionProfile.parseEndpoints("good:1, x:y:z"))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("not an endpoint: 'x:y:z'");
    assertThatThrownBy(() -> ConnectionProfile.parseEndpoints("host"))
        .hasMessage("not an endpoint: 'host'");
    assertThatThrownBy(() -> ConnectionProfile.parseEndpoints("host:70000"))
        .hasMessageStartingWith("not an endpoint: 'host:70000'");
    assertThatThrownBy(() -> ConnectionProfile.parseEndpoints("ftp://host:21"))
        .hasMessageStartingWith("not an endpoint: 'ftp://host:21'");
    assertThatThrownBy(() -> ConnectionProfile.parseEndpoints(" , "))
        .hasMessage("no endpoints given");
  }

  @Test
  void bareEndpointsGetHttpsOnlyWhenTheProfileHasTlsFiles() {
    List<String> typed = List.of("h1:2379", "HTTP://H2:2380/");
    assertThat(new ConnectionProfile("p", typed, null, null).normalizedEndpoints())
        .containsExactly("http://h1:2379", "http://h2:2380");
    // A form or command line with every TLS field left blank is no TLS at all.
    ConnectionProfile blankTls = new ConnectionProfile("p", typed, null, new TlsFiles(null, null, null));
    assertThat(blankTls.normalizedEndpoints()).containsExactly("http://h1:2379", "http://h2:2380");
    assertThat(blankTls.usesTls()).isFalse();
    TlsFiles tls = new TlsFiles(Path.of("/ca.pem"), null, null);
    ConnectionProfile secure = new ConnectionProfile("p", typed, "root", tls);
    assertThat(secure.normalizedEndpoints()).containsExactly("https://h1:2379", "http://h2:2380");
    assertThat(secure.usesTls()).isTrue();
  }

  @Test
  void profileValidatesItsEndpointsAndName() {
    assertThatThrownBy(() -> new ConnectionProfile("p", List.of("a:b"), null, null))
        .hasMessage("not an endpoint: 'a:b'");
    assertThatThrownBy(() -> new ConnectionProfile(" ", List.of("a:1"), null, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ConnectionProfile("p", List.of(), null, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TlsFiles(null, Path.of("/c.pem"), null))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
