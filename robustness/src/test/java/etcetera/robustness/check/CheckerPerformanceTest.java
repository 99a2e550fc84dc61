package etcetera.robustness.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import etcetera.robustness.history.History;
import org.junit.jupiter.api.Test;

/** The checker must keep up with real runs: 10,000 operations of 8 clients over 50 keys in seconds. */
class CheckerPerformanceTest {

    @Test
    void tenThousandOperationsOfEightClientsOverFiftyKeysCheckInSeconds() {
        long seed = 20261125L;
        History history = SimulatedHistories.generate(seed, 10_000, 8, 50, 2);
        long start = System.nanoTime();
        HistoryChecker.Report report = new HistoryChecker().check(history);
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.println("seed " + seed + ": " + report.summary());
        report.anomalies().stream().limit(3).forEach(System.out::println);
        assertEquals(Verdict.OK, report.verdict(), report.summary());
        assertTrue(millis < 30_000, "took " + millis + " ms");
    }
}
