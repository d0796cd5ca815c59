package io.cairn.server.raft;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;

/**
 * A small, fully scripted cluster for readable scenario tests: the test decides every tick, and
 * {@link #stabilize()} delivers messages in FIFO order until nothing moves, returning the
 * transcript of what was delivered. Election timeouts are exactly {@code electionTicks} (the
 * random source always answers 0) so scripts are deterministic.
 */
final class ScriptedCluster {
  static final RandomGenerator ZERO = () -> 0L;

  final Map<Long, RaftNode> nodes = new TreeMap<>();
  final Map<Long, MemoryStorage> storages = new TreeMap<>();
  final Map<Long, List<String>> appliedData = new TreeMap<>();
  final Map<Long, ConfState> appliedConf = new TreeMap<>();
  final Map<Long, List<ReadState>> reads = new TreeMap<>();
  private final ArrayDeque<Message> queue = new ArrayDeque<>();
  private final Set<Long> isolated = new HashSet<>();
  private final Set<List<Long>> cutLinks = new HashSet<>();
  private Predicate<Message> dropIf = m -> false;
  private final UnaryOperator<RaftConfig> tweak;

  ScriptedCluster(int size) {
    this(size, c -> c);
  }

  ScriptedCluster(int size, UnaryOperator<RaftConfig> tweak) {
    this.tweak = tweak;
    Set<Long> voters = new HashSet<>();
    for (long id = 1; id <= size; id++) {
      voters.add(id);
    }
    for (long id = 1; id <= size; id++) {
      add(id, MemoryStorage.bootstrap(new ConfState(voters, Set.of())));
    }
  }

  static RaftConfig config(long id) {
    return new RaftConfig(id, 10, 1, true, true, 256, 1 << 20, 0, ZERO);
  }

  /** Starts (or restarts) node id over the given storage. */
  RaftNode add(long id, MemoryStorage storage) {
    RaftNode n = new RaftNode(tweak.apply(config(id)), storage);
    nodes.put(id, n);
    storages.put(id, storage);
    appliedData.putIfAbsent(id, new ArrayList<>());
    reads.putIfAbsent(id, new ArrayList<>());
    return n;
  }

  RaftNode node(long id) {
    return nodes.get(id);
  }

  Raft raft(long id) {
    return nodes.get(id).raft();
  }

  void isolate(long id) {
    isolated.add(id);
  }

  void cut(long a, long b) {
    cutLinks.add(List.of(a, b));
    cutLinks.add(List.of(b, a));
  }

  void heal() {
    isolated.clear();
    cutLinks.clear();
    dropIf = m -> false;
  }

  void dropWhen(Predicate<Message> p) {
    dropIf = p;
  }

  void tick(long id, int n) {
    for (int i = 0; i < n; i++) {
      nodes.get(id).tick();
    }
  }

  void tickAll(int n) {
    for (int i = 0; i < n; i++) {
      nodes.values().forEach(RaftNode::tick);
    }
  }

  /** Ticks node id through one full election timeout (it campaigns at the last tick). */
  void electionTimeout(long id) {
    tick(id, raft(id).cfg.electionTicks());
  }

  void propose(long id, String data) {
    nodes.get(id).propose(data.getBytes(StandardCharsets.UTF_8));
  }

  long leader() {
    return nodes.entrySet().stream()
        .filter(e -> e.getValue().raft().role == Role.LEADER)
        .mapToLong(Map.Entry::getKey)
        .max()
        .orElse(0);
  }

  /** Processes Readies and delivers messages until quiet; returns the delivery transcript. */
  List<String> stabilize() {
    List<String> transcript = new ArrayList<>();
    for (int guard = 0; guard < 10_000; guard++) {
      boolean worked = false;
      for (Map.Entry<Long, RaftNode> e : nodes.entrySet()) {
        RaftNode n = e.getValue();
        while (n.hasReady()) {
          handleReady(e.getKey(), n);
          worked = true;
        }
      }
      if (queue.isEmpty() && !worked) {
        return transcript;
      }
      while (!queue.isEmpty()) {
        Message m = queue.removeFirst();
        RaftNode to = nodes.get(m.to());
        if (to == null
            || isolated.contains(m.from())
            || isolated.contains(m.to())
            || cutLinks.contains(List.of(m.from(), m.to()))
            || dropIf.test(m)) {
          transcript.add(m + " (dropped)");
          continue;
        }
        transcript.add(m.toString());
        to.step(m);
      }
    }
    throw new AssertionError("cluster did not stabilize");
  }

  private void handleReady(long id, RaftNode n) {
    Ready rd = n.ready();
    MemoryStorage s = storages.get(id);
    if (rd.snapshot() != null) {
      s.applySnapshot(rd.snapshot());
      appliedConf.put(id, rd.snapshot().meta().confState());
    }
    s.append(rd.entries());
    if (rd.hardState() != null) {
      s.setHardState(rd.hardState());
    }
    queue.addAll(rd.messages());
    for (Entry e : rd.committedEntries()) {
      if (e.type() == EntryType.CONF_CHANGE) {
        ConfState cs = n.applyConfChange(ConfChange.decode(e.data()));
        s.setConfState(cs);
        appliedConf.put(id, cs);
      } else if (e.data().length > 0) {
        appliedData.get(id).add(new String(e.data(), StandardCharsets.UTF_8));
      }
    }
    reads.get(id).addAll(rd.readStates());
    n.advance(rd);
  }

  /** Snapshot and compact node id's storage at its applied index. */
  void compact(long id) {
    Raft r = raft(id);
    MemoryStorage s = storages.get(id);
    s.createSnapshot(r.log.applied, r.prs.config, "image".getBytes(StandardCharsets.UTF_8));
    s.compact(r.log.applied);
  }

  /** A node whose log has the given terms at indexes 2.. (index 1 is the bootstrap snapshot). */
  static MemoryStorage storageWithTerms(ConfState cs, long currentTerm, long... terms) {
    MemoryStorage s = MemoryStorage.bootstrap(cs);
    List<Entry> ents = new ArrayList<>();
    for (int i = 0; i < terms.length; i++) {
      ents.add(Entry.data(terms[i], i + 2, ("e" + (i + 2) + "t" + terms[i]).getBytes(StandardCharsets.UTF_8)));
    }
    s.append(ents);
    s.setHardState(new HardState(currentTerm, 0, 1));
    return s;
  }

  static List<Long> termsOf(RaftLog log) {
    List<Long> out = new ArrayList<>();
    for (long i = log.firstIndex(); i <= log.lastIndex(); i++) {
      out.add(log.termOrZero(i));
    }
    return out;
  }
}
