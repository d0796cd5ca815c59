package io.cairn.server.testing.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HistoryRecorderTest {

  @Test
  void recordsOutcomesInLogicalTimeOrder() {
    HistoryRecorder recorder = new HistoryRecorder();
    long put = recorder.invoke(0, Op.put("x", "a"));
    long get = recorder.invoke(1, Op.get("x"));
    recorder.ok(put, Result.put(2));
    long cas = recorder.invoke(0, Op.cas("x", null, "b"));
    recorder.unknown(get);
    recorder.fail(cas);
    long delete = recorder.invoke(2, Op.delete("x"));

    History history = recorder.history();

    assertThat(history.operations()).extracting(Operation::id).containsExactly(put, get, cas,
        delete);
    assertThat(history.operations()).extracting(Operation::outcome).containsExactly(Outcome.OK,
        Outcome.UNKNOWN, Outcome.FAIL, Outcome.PENDING);
    Operation first = history.operations().get(0);
    assertThat(first.invokeSeq()).isEqualTo(1);
    assertThat(first.completeSeq()).isEqualTo(3);
    assertThat(first.result()).isEqualTo(Result.put(2));
    assertThat(history.operations().get(3).completeSeq()).isEqualTo(Operation.NOT_COMPLETED);
    assertThat(history.toString()).contains(
        "history of 4 operations",
        "#0 c0 [1..3] Put(x, a) -> ok rev=2\n",
        "#1 c1 [2..5] Get(x) -> UNKNOWN\n",
        "#2 c0 [4..6] Cas(x, <absent> -> b) -> FAILED\n",
        "#3 c2 [7..-] Delete(x) -> PENDING\n");
  }

  @Test
  void rejectsInvalidCompletions() {
    HistoryRecorder recorder = new HistoryRecorder();
    long put = recorder.invoke(0, Op.put("x", "a"));

    assertThatThrownBy(() -> recorder.ok(put, Result.notFound(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not answer Put(x, a)");
    assertThatThrownBy(() -> recorder.ok(17, Result.put(2)))
        .isInstanceOf(IllegalArgumentException.class);

    recorder.ok(put, Result.put(2));
    assertThatThrownBy(() -> recorder.unknown(put))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already completed as OK");
  }

  @Test
  void historyIsASnapshot() {
    HistoryRecorder recorder = new HistoryRecorder();
    long get = recorder.invoke(0, Op.get("x"));
    History before = recorder.history();
    recorder.ok(get, Result.notFound(1));

    assertThat(before.operations().get(0).outcome()).isEqualTo(Outcome.PENDING);
    assertThat(recorder.history().operations().get(0).outcome()).isEqualTo(Outcome.OK);
  }

  @Test
  void concurrentClientsGetConsistentTimes() throws Exception {
    int clients = 8;
    int perClient = 2_000;
    HistoryRecorder recorder = new HistoryRecorder();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        int client = c;
        futures.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < perClient; i++) {
            long id = recorder.invoke(client, Op.put("k" + client, "v" + client + "-" + i));
            if (i % 10 == 0) {
              recorder.unknown(id);
            } else {
              recorder.ok(id, Result.put(1));
            }
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> future : futures) {
        future.get(1, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }

    History history = recorder.history();
    assertThat(history.size()).isEqualTo(clients * perClient);
    assertThat(history.operations()).extracting(Operation::invokeSeq).doesNotHaveDuplicates();
    Map<Integer, Long> lastCompletion = new HashMap<>();
    for (Operation op : history.byInvocation()) {
      assertThat(op.completeSeq()).isGreaterThan(op.invokeSeq());
      Long previous = lastCompletion.put(op.client(), op.completeSeq());
      if (previous != null) {
        assertThat(previous).as("client %d is sequential", op.client()).isLessThan(op.invokeSeq());
      }
    }
  }
}
