package io.cairn.server.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MessageCodecTest {

  private static Message random(SplittableRandom rnd) {
    MessageType type = MessageType.values()[rnd.nextInt(MessageType.values().length)];
    List<Entry> ents = new ArrayList<>();
    long index = rnd.nextLong(1, 1L << 40);
    long term = rnd.nextLong(1, 1000);
    int n = rnd.nextInt(4);
    for (int i = 0; i < n; i++) {
      term += rnd.nextInt(2);
      byte[] data = new byte[rnd.nextInt(20)];
      rnd.nextBytes(data);
      ents.add(new Entry(term, index + i, EntryType.values()[rnd.nextInt(2)], data));
    }
    Message.Builder b =
        Message.builder(type)
            .from(rnd.nextLong(1, Long.MAX_VALUE))
            .to(rnd.nextInt(10))
            .term(term)
            .logTerm(rnd.nextInt(1000))
            .index(rnd.nextLong(Long.MAX_VALUE))
            .commit(rnd.nextInt(1 << 20))
            .reject(rnd.nextBoolean())
            .rejectHint(rnd.nextInt(100))
            .entries(ents);
    if (rnd.nextInt(4) == 0) {
      byte[] ctx = new byte[rnd.nextInt(12)];
      rnd.nextBytes(ctx);
      b.context(ctx);
    }
    if (rnd.nextInt(5) == 0) {
      byte[] data = new byte[rnd.nextInt(100)];
      rnd.nextBytes(data);
      b.snapshot(new Snapshot(
          new SnapshotMeta(rnd.nextInt(1000), rnd.nextInt(10), new ConfState(Set.of(1L, 2L), Set.of(9L))),
          data));
    }
    return b.build();
  }

  private static void assertSame(Message a, Message b) {
    assertThat(b.toBuilder().context(null).build())
        .usingRecursiveComparison()
        .ignoringFields("context")
        .isEqualTo(a.toBuilder().context(null).build());
    assertThat(b.context()).isEqualTo(a.context());
    assertThat(b.entries()).isEqualTo(a.entries());
    assertThat(b.snapshot()).isEqualTo(a.snapshot());
  }

  @Test
  void everyMessageSurvivesARoundTrip() {
    SplittableRandom rnd = new SplittableRandom(42);
    for (int i = 0; i < 1_500; i++) {
      Message m = random(rnd);
      assertSame(m, MessageCodec.decode(MessageCodec.encode(m)));
    }
  }

  @Test
  void heartbeatIsAFewBytes() {
    Message hb = Message.builder(MessageType.HEARTBEAT).from(1).to(2).term(5).commit(1000).build();
    assertThat(MessageCodec.encode(hb).length).isLessThanOrEqualTo(16);
  }

  @Test
  void truncatedOrCorruptInputIsRejected() {
    SplittableRandom rnd = new SplittableRandom(1);
    for (int i = 0; i < 2_000; i++) {
      byte[] full = MessageCodec.encode(random(rnd));
      byte[] cut = Arrays.copyOf(full, rnd.nextInt(full.length));
      assertThatThrownBy(() -> MessageCodec.decode(cut)).isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> MessageCodec.decode(new byte[] {9, 0, 0}))
        .hasMessageContaining("version");
  }
}
