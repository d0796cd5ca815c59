package io.cairn.server.testing.history;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A correct, sequential etcd-style store, and a generator of histories of concurrent clients
 * using it: each operation takes effect at one random moment between its invocation and its
 * completion, so every generated history is linearizable. Some operations fail before taking
 * effect; some end {@link Outcome#UNKNOWN}, either after taking effect or before, in which case
 * they may still take effect later or never.
 */
final class SimulatedStore {
  private final Map<String, Versioned> data = new HashMap<>();
  private long revision = 1; // a fresh etcd store is at revision 1

  private record Versioned(String value, long modRevision) {}

  /** Shape of a generated history. */
  record Config(int operations, int clients, int keys, double failRate, double unknownRate) {}

  /** Applies {@code op} and returns what the store answers. */
  Result apply(Op op) {
    if (op instanceof Op.Put put) {
      data.put(put.key(), new Versioned(put.value(), ++revision));
      return Result.put(revision);
    } else if (op instanceof Op.Get get) {
      Versioned current = data.get(get.key());
      return current == null
          ? Result.notFound(revision)
          : Result.found(revision, current.value(), current.modRevision());
    } else if (op instanceof Op.Delete delete) {
      if (data.remove(delete.key()) == null) {
        return Result.delete(revision, 0);
      }
      return Result.delete(++revision, 1);
    } else {
      Op.Cas cas = (Op.Cas) op;
      Versioned current = data.get(cas.key());
      boolean matches = cas.expectedValue() == null
          ? current == null
          : current != null && current.value().equals(cas.expectedValue());
      if (!matches) {
        return Result.casFailed(revision);
      }
      data.put(cas.key(), new Versioned(cas.newValue(), ++revision));
      return Result.casSucceeded(revision);
    }
  }

  /** A write to a key outside the history: it only uses up a revision. */
  void unrelatedWrite() {
    revision++;
  }

  String currentValue(String key) {
    Versioned current = data.get(key);
    return current == null ? null : current.value();
  }

  /** Generates a linearizable history; the same seed and config give the same history. */
  static History generate(long seed, Config config) {
    return new Generator(new SplittableRandom(seed), config).run();
  }

  private static final class Generator {
    private final SplittableRandom random;
    private final Config config;
    private final SimulatedStore store = new SimulatedStore();
    private final HistoryRecorder recorder = new HistoryRecorder();
    private final Map<String, List<String>> writtenValues = new HashMap<>();
    private int nextValue;

    /** An invoked operation; {@code result} is set once it took effect. */
    private static final class InFlight {
      final long id;
      final Op op;
      Result result;

      InFlight(long id, Op op) {
        this.id = id;
        this.op = op;
      }
    }

    Generator(SplittableRandom random, Config config) {
      this.random = random;
      this.config = config;
    }

    History run() {
      InFlight[] outstanding = new InFlight[config.clients()];
      List<InFlight> lingering = new ArrayList<>(); // unknown and not applied (yet)
      int invoked = 0;
      int busy = 0;
      while (invoked < config.operations() || busy > 0) {
        if (random.nextInt(50) == 0) {
          store.unrelatedWrite();
        }
        if (!lingering.isEmpty() && random.nextInt(10) == 0) {
          InFlight late = lingering.remove(random.nextInt(lingering.size()));
          if (random.nextBoolean()) {
            store.apply(late.op); // takes effect long after the client gave up
          } // else it never takes effect
          continue;
        }
        int client = random.nextInt(config.clients());
        InFlight current = outstanding[client];
        if (current == null) {
          if (invoked < config.operations()) {
            Op op = randomOp();
            outstanding[client] = new InFlight(recorder.invoke(client, op), op);
            invoked++;
            busy++;
          }
          continue;
        }
        boolean finished = true;
        if (current.result == null) {
          double roll = random.nextDouble();
          if (roll < config.failRate()) {
            recorder.fail(current.id);
          } else if (roll < config.failRate() + config.unknownRate()) {
            recorder.unknown(current.id);
            lingering.add(current);
          } else {
            current.result = store.apply(current.op); // the linearization point
            finished = false;
          }
        } else if (random.nextDouble() < config.unknownRate()) {
          recorder.unknown(current.id); // took effect, but the answer was lost
        } else {
          recorder.ok(current.id, current.result);
        }
        if (finished) {
          outstanding[client] = null;
          busy--;
        }
      }
      return recorder.history();
    }

    private Op randomOp() {
      String key = "k" + random.nextInt(config.keys());
      int kind = random.nextInt(100);
      if (kind < 30) {
        return Op.put(key, newValue(key));
      } else if (kind < 65) {
        return Op.get(key);
      } else if (kind < 75) {
        return Op.delete(key);
      }
      String expected;
      List<String> old = writtenValues.getOrDefault(key, List.of());
      int choice = random.nextInt(4);
      if (choice < 2) {
        expected = store.currentValue(key); // usually still current when the CAS applies
      } else if (choice == 2 || old.isEmpty()) {
        expected = null;
      } else {
        expected = old.get(random.nextInt(old.size()));
      }
      return Op.cas(key, expected, newValue(key));
    }

    private String newValue(String key) {
      String value = "v" + nextValue++;
      writtenValues.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
      return value;
    }
  }
}
