package io.cairn.server.raft;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Randomized, deterministic simulation of whole clusters (see {@link SimulatedCluster}): lossy,
 * reordering, duplicating, partitioning network; crashes including torn persists; restarts; conf
 * changes; leader transfers; ReadIndex; compaction and snapshot installs. Safety invariants are
 * checked after every step; after the random phase the cluster is healed and must make progress.
 *
 * <p>Sizing: {@code -Dsim.runs=N} (default 2000), {@code -Dsim.steps=N} (default 1000). Seeds run
 * from {@code -Dsim.firstSeed=N} (default 1), so soaks can cover new ground. Replay one failure
 * with {@code -Dsim.seed=N} (the failure message prints it, with the cluster size).
 *
 * <p>Bugs the simulation found (seed, size: reproduction):
 *
 * <ul>
 *   <li>seed 37, size 3: a snapshot message was dropped and nobody told the leader, which kept the
 *       follower in SNAPSHOT state forever (no progress after healing). The core relies on the
 *       driver reporting failed snapshot streams; the simulated transport now calls {@code
 *       reportSnapshot(id, false)} for every snapshot it loses, and {@link
 *       RaftNode#reportSnapshot} documents the obligation.
 *   <li>seed 2811, size 3 (in a 20 000-run soak): a bug in the checker, not the core. A removed
 *       node's delayed election completed at term 7 after a term-8 leader had committed index 27;
 *       the leader-completeness check demanded index 27 of every leader seen later, whatever its
 *       term. Fixed: each committed index keeps an upper bound of the term it was committed in
 *       (the smallest term of a node known to have it committed), and only leaders of later terms
 *       must hold it (Raft §5.4 as stated).
 *   <li>seed 84, size 5: a member added later replayed the log from index 1, never saw the
 *       founding membership (kept only as local state) and elected itself as sole voter.
 *       Fixed: {@link MemoryStorage#bootstrap} records the founding membership as a snapshot at
 *       index 1, so joiners must install it first.
 * </ul>
 *
 * <p>Sensitivity, checked by breaking the core on purpose (10 000 runs × 1 000 steps unless
 * noted): granting votes to candidates with stale logs is caught at once (seed 4); heartbeats
 * carrying a commit index beyond the follower's match at once (seed 1); answering ReadIndex before
 * the leader commits an entry of its term within 1 000 runs (seed 8, stale read); dropping the
 * one-conf-change-at-a-time rule within 1 000 runs (seed 10, no progress); committing old-term
 * entries by counting replicas (figure 8) only in long soaks (seed 5279; seed 2811 with a
 * different profile mix), so {@code ReplicationTest} covers it directly. Not caught by the
 * simulation: a follower committing past the last entry the leader sent, and campaigning with a
 * committed but unapplied conf change; {@code RaftLogTest} and {@code MembershipTest} cover those.
 */
class SimulationTest {
  private static final int LIVENESS_TICKS = 400;

  @Test
  void randomClustersStaySafeAndMakeProgressAfterHealing() {
    String only = System.getProperty("sim.seed");
    int runs = Integer.getInteger("sim.runs", 2000);
    int steps = Integer.getInteger("sim.steps", 1000);
    long start = System.nanoTime();
    SimulatedCluster.Stats total = new SimulatedCluster.Stats();
    if (only != null) {
      long seed = Long.parseLong(only);
      run(seed, sizeFor(seed), steps, total);
    } else {
      long first = Long.getLong("sim.firstSeed", 1);
      for (long seed = first; seed < first + runs; seed++) {
        run(seed, sizeFor(seed), steps, total);
      }
    }
    long ms = (System.nanoTime() - start) / 1_000_000;
    System.out.printf(
        "simulation: %d runs x %d steps in %d ms; elections=%d commits=%d crashes=%d"
            + " tornPersists=%d snapshots=%d confChanges=%d reads=%d/%d (refused %d) partitions=%d"
            + " maxTicksToProgressAfterHeal=%d%n",
        only != null ? 1 : runs, steps, ms, total.elections, total.commits, total.crashes,
        total.midPersistCrashes, total.snapshotsSent, total.confChanges, total.readsServed,
        total.reads, total.readsRefused, total.partitions, total.maxTicksToProgress);
    assertThat(total.commits).isPositive();
  }

  private static int sizeFor(long seed) {
    return seed % 2 == 0 ? 5 : 3;
  }

  private static void run(long seed, int size, int steps, SimulatedCluster.Stats total) {
    SimulatedCluster c = new SimulatedCluster(seed, size);
    int step = 0;
    try {
      for (step = 0; step < steps; step++) {
        c.randomStep();
      }
      step = -1;
      int ticks = c.requireProgress(LIVENESS_TICKS);
      total.maxTicksToProgress = Math.max(total.maxTicksToProgress, ticks);
    } catch (Throwable t) {
      throw new AssertionError(
          "simulation failed: -Dsim.seed=" + seed + " -Dsim.steps=" + steps + " (size " + size + ", "
              + (step >= 0 ? "step " + step : "liveness phase") + "): " + t + "\n" + c.describe(),
          t);
    }
    total.elections += c.stats.elections;
    total.commits += c.stats.commits;
    total.crashes += c.stats.crashes;
    total.midPersistCrashes += c.stats.midPersistCrashes;
    total.snapshotsSent += c.stats.snapshotsSent;
    total.confChanges += c.stats.confChanges;
    total.readsServed += c.stats.readsServed;
    total.reads += c.stats.reads;
    total.partitions += c.stats.partitions;
    total.readsRefused += c.stats.readsRefused;
  }
}
