package io.cairn.console.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileStoreTest {
  @TempDir
  Path dir;

  private final ConnectionProfile local = new ConnectionProfile("local", List.of("127.0.0.1:2379"), null, null);
  private final ConnectionProfile prod = new ConnectionProfile("prod",
      List.of("https://a:2379", "b:2379"), "root",
      new TlsFiles(Path.of("/etc/cairn/ca.pem"), Path.of("/etc/cairn/me.pem"), Path.of("/etc/cairn/me.key")));

  @Test
  void savedProfilesLoadBackInOrderFromANewStore() {
    Path file = dir.resolve("sub/dir/profiles.json");
    ProfileStore store = new ProfileStore(file);
    assertThat(store.load()).isEmpty();
    store.save(local);
    store.save(prod);
    assertThat(new ProfileStore(file).load()).containsExactly(local, prod);
  }

  @Test
  void saveReplacesTheProfileOfTheSameNameAndDeleteRemovesIt() {
    ProfileStore store = new ProfileStore(dir.resolve("p.json"));
    store.save(local);
    store.save(prod);
    ConnectionProfile moved = new ConnectionProfile("local", List.of("127.0.0.1:3379"), "me", null);
    store.save(moved);
    assertThat(store.load()).containsExactly(moved, prod);
    store.delete("local");
    store.delete("no such profile");
    assertThat(store.load()).containsExactly(prod);
  }

  @Test
  void theFileHoldsNoPasswordAndNoTemporaryFilesAreLeftBehind() throws Exception {
    Path file = dir.resolve("p.json");
    new ProfileStore(file).save(prod);
    String text = Files.readString(file);
    assertThat(text).contains("\"user\" : \"root\"", "/etc/cairn/ca.pem").doesNotContainIgnoringCase("password");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).containsExactly(file);
    }
  }

  @Test
  void aCorruptFileLoadsAsEmptyAndIsMovedAsideOnTheNextSave() throws Exception {
    Path file = dir.resolve("p.json");
    Files.writeString(file, "{\"profiles\": [ {\"name\": ");
    ProfileStore store = new ProfileStore(file);
    assertThat(store.load()).isEmpty();
    store.save(local);
    assertThat(store.load()).containsExactly(local);
    assertThat(dir.resolve("p.json.corrupt")).hasContent("{\"profiles\": [ {\"name\": ");
  }

  @Test
  void defaultFileFollowsXdgConfigHomeAndFallsBackToDotConfig() {
    assertThat(ProfileStore.defaultFile(Map.of("XDG_CONFIG_HOME", "/xdg"), "/home/me"))
        .isEqualTo(Path.of("/xdg/cairn/console-profiles.json"));
    assertThat(ProfileStore.defaultFile(Map.of(), "/home/me"))
        .isEqualTo(Path.of("/home/me/.config/cairn/console-profiles.json"));
    assertThat(ProfileStore.defaultFile(Map.of("XDG_CONFIG_HOME", "relative"), "/home/me"))
        .isEqualTo(Path.of("/home/me/.config/cairn/console-profiles.json"));
  }
}
