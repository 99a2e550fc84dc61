package etcetera.raft;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Runs the deterministic simulation over many seeds. Replay one seed with
 * {@code -Draft.sim.seed=N}; change the number of seeds with {@code -Draft.sim.seeds=N} and the
 * length of each run with {@code -Draft.sim.rounds=N} (a soak: {@code -Draft.sim.seeds=2000
 * -Draft.sim.rounds=50}).
 */
class SimulationTest {

    private static final int SEEDS = Integer.getInteger("raft.sim.seeds", 300);
    private static final int ROUNDS = Integer.getInteger("raft.sim.rounds", 6);
    private static final Long ONE_SEED = Long.getLong("raft.sim.seed");

    private static void run(int size, long seed) {
        Simulation sim = new Simulation(size, seed, Simulation.Faults.DEFAULT);
        try {
            for (int round = 0; round < ROUNDS; round++) {
                sim.chaos(400);
                sim.healAndCheckLiveness(400);
            }
        } catch (AssertionError | RuntimeException e) {
            System.out.println("FAILED simulation size=" + size + " seed=" + seed
                    + " (replay: -Draft.sim.seed=" + seed + ")");
            throw e;
        }
    }

    private static void runMany(int size, long base) {
        if (ONE_SEED != null) {
            System.out.println("replaying seed " + ONE_SEED);
            run(size, ONE_SEED);
            return;
        }
        for (int i = 0; i < SEEDS; i++) {
            run(size, base + i);
        }
        System.out.println("simulated " + SEEDS + " seeds from " + base + " with " + size + " members");
        Simulation sample = new Simulation(size, base, Simulation.Faults.DEFAULT);
        sample.chaos(400);
        sample.healAndCheckLiveness(400);
        System.out.println("sample run (seed " + base + "): " + sample.counters);
    }

    @Test
    void threeMembersStaySafeAndLiveUnderFaults() {
        runMany(3, 1_000);
    }

    @Test
    void fiveMembersStaySafeAndLiveUnderFaults() {
        runMany(5, 5_000);
    }

    @Test
    void simulatorCatchesCommittingEarlierTermEntriesByCounting() {
        // the Figure 8 bug: the invariant checks must notice it on some seed
        int caught = 0;
        for (long seed = 0; seed < 500 && caught == 0; seed++) {
            Simulation sim = new Simulation(3, seed, Simulation.Faults.HARSH);
            sim.injectUnsafeCommit = true;
            try {
                for (int round = 0; round < 4; round++) {
                    sim.chaos(400);
                    sim.healAndCheckLiveness(400);
                }
            } catch (AssertionError e) {
                if (e.getMessage().contains("no progress")) {
                    throw e;
                }
                System.out.println("injected bug caught with seed " + seed + ": " + e.getMessage());
                caught++;
            }
        }
        assertTrue(caught > 0, "the injected bug went unnoticed");
    }

    @Test
    void harshFaultsStaySafe() {
        for (long seed = 0; seed < SEEDS / 4; seed++) {
            Simulation sim = new Simulation(3, 9_000 + seed, Simulation.Faults.HARSH);
            for (int round = 0; round < ROUNDS; round++) {
                sim.chaos(400);
                sim.healAndCheckLiveness(600);
            }
        }
    }

    @Test
    void aSeedReplaysExactly() {
        Simulation a = new Simulation(3, 42, Simulation.Faults.DEFAULT);
        Simulation b = new Simulation(3, 42, Simulation.Faults.DEFAULT);
        a.chaos(300);
        b.chaos(300);
        org.junit.jupiter.api.Assertions.assertEquals(a.describe(), b.describe());
        org.junit.jupiter.api.Assertions.assertEquals(a.counters, b.counters);
    }
}
