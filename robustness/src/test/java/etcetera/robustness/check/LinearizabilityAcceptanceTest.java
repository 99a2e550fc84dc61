package etcetera.robustness.check;

import static org.junit.jupiter.api.Assertions.assertEquals;

import etcetera.robustness.history.History;
import etcetera.robustness.history.Request;
import org.junit.jupiter.api.Test;

/** Correct histories, in particular with unknown and failed outcomes, must be accepted. */
class LinearizabilityAcceptanceTest {

    private static void assertAccepted(History history) {
        HistoryChecker.Report report = new HistoryChecker().check(history);
        assertEquals(Verdict.OK, report.verdict(), report.summary() + "\n" + report.anomalies());
    }

    @Test
    void concurrentWritesMayBeReadInEitherOrder() {
        assertAccepted(new Histories()
                .put(1, "a", "1", 0, 50, 3)
                .put(2, "a", "2", 10, 40, 2)
                .get(3, "a", "1", 3, 60, 70, 3)
                .build());
    }

    @Test
    void unknownPutThatWasLaterReadIsAccepted() {
        assertAccepted(new Histories()
                .put(1, "a", "1", 0, 10, 2)
                .putUnknown(2, "a", "2", 20, 30)
                .get(3, "a", "1", 2, 40, 50, 2)
                .get(3, "a", "2", 3, 400, 500, 3)
                .build());
    }

    @Test
    void unknownPutNeverObservedIsAccepted() {
        assertAccepted(new Histories()
                .put(1, "a", "1", 0, 10, 2)
                .putUnknown(2, "a", "2", 20, 30)
                .get(3, "a", "1", 2, 40, 50, 2)
                .get(3, "a", "1", 2, 400, 500, 2)
                .build());
    }

    @Test
    void unknownPutMayExplainACompareAndSwapOutcome() {
        assertAccepted(new Histories()
                .put(1, "a", "1", 0, 10, 2)
                .putUnknown(2, "a", "2", 20, 30)
                .cas(3, "a", new Request.ValueEquals("1"), "x", false, 40, 50, 3)
                .build());
    }

    @Test
    void failedWriteHasNoEffect() {
        assertAccepted(new Histories()
                .put(1, "a", "1", 0, 10, 2)
                .putFailed(2, "a", "2", 20, 30)
                .get(3, "a", "1", 2, 40, 50, 2)
                .build());
    }

    @Test
    void deleteThenCreateWithModRevisionZero() {
        assertAccepted(new Histories()
                .put(1, "a", "1", 0, 10, 2)
                .delete(1, "a", 1, 20, 30, 3)
                .cas(2, "a", new Request.ModRevisionEquals(0), "2", true, 40, 50, 4)
                .get(2, "a", "2", 4, 60, 70, 4)
                .build());
    }

    @Test
    void staleSerializableReadConsistentWithItsRevisionIsAccepted() {
        assertAccepted(new Histories()
                .put(1, "a", "1", 0, 10, 2)
                .put(1, "a", "2", 20, 30, 3)
                .getSerializable(2, "a", "1", 2, 40, 50, 2)
                .build());
    }
}
