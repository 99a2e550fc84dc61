package etcetera.robustness.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import etcetera.robustness.check.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Short robustness runs against real processes, as CI runs them: our single node under kill -9
 * and torn WAL tails
 * (the multi-member fault runs wait for the cluster), and a three-member real etcd under every
 * fault kind, which proves the harness itself. Each run's report and history are kept under
 * {@code target/robustness/}.
 */
class RobustnessRunIT {

    private static final Path OURS = Path.of(System.getProperty("etcetera.distribution", "../distribution/target/etcetera"), "bin/etcd");
    private static final Path REAL_ETCD = Path.of("/usr/bin/etcd");
    private static final Path REPORTS = Path.of(System.getProperty("robustness.reports", "target/robustness"));

    @Test
    @Timeout(240)
    void singleNodeKeepsEveryAcknowledgedWriteAndStaysLinearizableAcrossKill9AndTornWalTails() throws Exception {
        assumeTrue(Files.isExecutable(OURS), "the distribution is not built: " + OURS);
        long seed = System.currentTimeMillis();
        System.out.println("seed " + seed);
        Workload workload = new Workload(8, 20, 0, Duration.ofSeconds(60), Duration.ofSeconds(2), "rb/", seed);
        RunReport report = RobustnessRun.run(new RobustnessRun.Options(OURS.toAbsolutePath(), 1, workload, List.of(FaultKind.KILL, FaultKind.TORN_TAIL),
                Duration.ofSeconds(8), Duration.ofSeconds(1), REPORTS.resolve("ours-single-kill-" + seed).toAbsolutePath()));
        System.out.print(report.text());
        assertEquals(Verdict.OK, report.verdict(), report.text());
        assertTrue(report.faults().size() >= 2, "faults injected: " + report.faults());
        assertTrue(report.faults().stream().allMatch(f -> f.recoveredAfterMillis() >= 0), report.text());
    }

    @Test
    @Timeout(180)
    void realEtcdThreeMembersUnderKillPausePartitionAndDelayPassTheChecks() throws Exception {
        assumeTrue(Files.isExecutable(REAL_ETCD), "the real etcd is not installed: " + REAL_ETCD);
        long seed = System.currentTimeMillis();
        System.out.println("seed " + seed);
        Workload workload = new Workload(6, 10, 2, Duration.ofSeconds(40), Duration.ofSeconds(2), "rb/", seed);
        RunReport report = RobustnessRun.run(new RobustnessRun.Options(REAL_ETCD, 3, workload, Arrays.stream(FaultKind.values()).filter(k -> k != FaultKind.TORN_TAIL).toList(),
                Duration.ofSeconds(6), Duration.ofSeconds(2), REPORTS.resolve("etcd-3-faults-" + seed).toAbsolutePath()));
        System.out.print(report.text());
        assertEquals(Verdict.OK, report.verdict(), report.text());
        assertTrue(report.check().watchEvents() > 0, "watchers received nothing");
        // how many faults fit in 40 s depends on how long each recovery takes on the machine; the verdict is what counts
        assertTrue(report.faults().size() >= 2, "faults injected: " + report.faults());
    }
}
