package etcetera.robustness.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import etcetera.robustness.history.History;
import etcetera.robustness.history.Request;
import org.junit.jupiter.api.Test;

/** Known non-linearizable KV histories: each must be rejected, with the anomaly that names it. */
class LinearizabilityRejectionTest {

    private static HistoryChecker.Report check(History history) {
        HistoryChecker.Report report = new HistoryChecker().check(history);
        report.anomalies().forEach(a -> System.out.println(a));
        return report;
    }

    private static void assertRejectedAs(AnomalyKind kind, HistoryChecker.Report report) {
        assertEquals(Verdict.VIOLATION, report.verdict(), report.summary());
        assertTrue(report.has(kind), "expected " + kind + " in " + report.anomalies());
    }

    @Test
    void staleReadAfterANewerValueWasReadIsRejected() {
        History h = new Histories()
                .put(1, "a", "1", 0, 10, 2)
                .put(1, "a", "2", 20, 30, 3)
                .get(2, "a", "2", 3, 40, 50, 3)
                .get(3, "a", "1", 2, 60, 70, 2)
                .build();
        assertRejectedAs(AnomalyKind.STALE_READ, check(h));
    }

    @Test
    void staleReadWithoutRevisionsIsStillRejectedByTheSearch() {
        // The same anomaly seen only through values: the search alone must refuse it.
        History h = new Histories()
                .put(1, "a", "1", 0, 10, 2)
                .put(1, "a", "2", 20, 30, 3)
                .get(2, "a", "2", 3, 40, 50, 3)
                .get(3, "a", "1", 2, 60, 70, 3)
                .build();
        var results = new LinearizabilityChecker(1_000_000).check(h);
        assertEquals(Verdict.VIOLATION, results.getFirst().verdict());
        String witness = results.getFirst().anomaly().orElseThrow().description();
        System.out.println(witness);
        assertTrue(witness.contains("get(a) -> 1"), witness);
    }

    @Test
    void acknowledgedWriteThatNoReadEverSeesIsALostWrite() {
        History h = new Histories()
                .put(1, "a", "1", 0, 10, 2)
                .put(2, "a", "2", 20, 30, 3)
                .get(3, "a", "1", 2, 40, 50, 3)
                .get(3, "a", "1", 2, 60, 70, 3)
                .build();
        assertRejectedAs(AnomalyKind.LOST_WRITE, check(h));
        assertEquals(1, LostWrites.find(h, 3).size());
    }

    @Test
    void writesWhoseRevisionsContradictTheirRealTimeOrderAreRejected() {
        History h = new Histories()
                .put(1, "a", "1", 0, 10, 5)
                .put(2, "b", "2", 20, 30, 4)
                .build();
        assertRejectedAs(AnomalyKind.REVISION_ORDER, check(h));
    }

    @Test
    void reorderedWritesToOneKeyAreRejectedEvenWithoutRevisions() {
        // put 1 then put 2 in real time, but readers see 2 before 1.
        History h = new Histories()
                .put(1, "a", "1", 0, 10, 2)
                .put(1, "a", "2", 20, 30, 3)
                .get(2, "a", "2", 3, 40, 50, 3)
                .get(2, "a", "1", 2, 60, 70, 3)
                .build();
        assertEquals(Verdict.VIOLATION, new LinearizabilityChecker(1_000_000).check(h).getFirst().verdict());
    }

    @Test
    void compareAndSwapThatFailsThoughItsGuardHeldIsRejected() {
        History h = new Histories()
                .put(1, "a", "1", 0, 10, 2)
                .cas(2, "a", new Request.ValueEquals("1"), "2", false, 20, 30, 2)
                .build();
        assertRejectedAs(AnomalyKind.CAS_ANOMALY, check(h));
    }

    @Test
    void twoCompareAndSwapsThatBothWinTheSameValueAreRejected() {
        History h = new Histories()
                .put(1, "a", "1", 0, 10, 2)
                .cas(2, "a", new Request.ValueEquals("1"), "x", true, 20, 40, 3)
                .cas(3, "a", new Request.ValueEquals("1"), "y", true, 25, 45, 4)
                .build();
        assertRejectedAs(AnomalyKind.CAS_ANOMALY, check(h));
    }

    @Test
    void compareAndSwapOnModRevisionThatSucceedsAgainstAnOldRevisionIsRejected() {
        History h = new Histories()
                .put(1, "a", "1", 0, 10, 2)
                .put(1, "a", "2", 20, 30, 3)
                .cas(2, "a", new Request.ModRevisionEquals(2), "x", true, 40, 50, 4)
                .build();
        assertRejectedAs(AnomalyKind.CAS_ANOMALY, check(h));
    }

    @Test
    void readOfAValueBeforeItsWriteBeganIsAPhantom() {
        History h = new Histories()
                .get(2, "a", "1", 2, 0, 10, 2)
                .putUnknown(1, "a", "1", 20, 30)
                .build();
        assertRejectedAs(AnomalyKind.PHANTOM_READ, check(h));
    }

    @Test
    void readWhoseValueDisagreesWithItsRevisionIsRejected() {
        // A serializable read may be stale, but not inconsistent with its own revision.
        History h = new Histories()
                .put(1, "a", "1", 0, 10, 2)
                .put(1, "a", "2", 20, 30, 3)
                .getSerializable(2, "a", "1", 2, 40, 50, 3)
                .build();
        assertRejectedAs(AnomalyKind.READ_REVISION_MISMATCH, check(h));
    }

    @Test
    void deleteThatReportsNothingDeletedOfAPresentKeyIsRejected() {
        History h = new Histories()
                .put(1, "a", "1", 0, 10, 2)
                .delete(2, "a", 0, 20, 30, 2)
                .build();
        assertEquals(Verdict.VIOLATION, check(h).verdict());
    }

    @Test
    void searchOutOfBudgetIsUnknownNeverOk() {
        Histories h = new Histories();
        for (int i = 0; i < 12; i++) {
            h.putUnknown(i, "a", "v" + i, i, 1000 + i);
        }
        h.cas(99, "a", new Request.ValueEquals("nobody"), "z", true, 2000, 2010, 20);
        HistoryChecker.Report report = new HistoryChecker(50).check(h.build());
        assertEquals(Verdict.UNKNOWN, report.verdict(), report.summary());
        assertTrue(report.has(AnomalyKind.CHECK_INCOMPLETE));
    }
}
