package etcetera.robustness.check;

import static org.junit.jupiter.api.Assertions.assertEquals;

import etcetera.robustness.history.History;
import etcetera.robustness.history.HistoryFile;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Histories linearizable by construction pass every checker, also after a trip through the history file format. */
class GeneratedHistoriesTest {

    @Property(tries = 200)
    void simulatedHistoriesAreAccepted(@ForAll long seed, @ForAll @IntRange(min = 1, max = 200) int operations,
                                       @ForAll @IntRange(min = 1, max = 6) int clients, @ForAll @IntRange(min = 1, max = 4) int keys) {
        History history = SimulatedHistories.generate(seed, operations, clients, keys, 2);
        HistoryChecker.Report report = new HistoryChecker().check(history);
        assertEquals(Verdict.OK, report.verdict(), "seed " + seed + ": " + report.summary() + "\n" + report.anomalies());
    }

    @Property(tries = 50)
    void historyFileRoundTripIsExact(@ForAll long seed, @ForAll @IntRange(min = 0, max = 100) int operations) {
        History history = SimulatedHistories.generate(seed, operations, 4, 3, 2);
        assertEquals(history, HistoryFile.parse(HistoryFile.lines(history)));
    }
}
