package etcetera.robustness.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import etcetera.robustness.history.History;
import etcetera.robustness.history.WatchEvent;
import etcetera.robustness.history.WatchRecord;
import etcetera.robustness.history.WatchSegment;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The watch checker accepts complete, ordered streams (also resumed ones) and names each way a stream can go wrong. */
class WatchCheckerTest {

    private static Histories writes() {
        return new Histories()
                .put(1, "k/a", "1", 0, 10, 2)
                .put(1, "k/b", "2", 20, 30, 3)
                .delete(1, "k/a", 1, 40, 50, 4)
                .put(1, "k/a", "3", 60, 70, 5);
    }

    private static final WatchEvent A1 = new WatchEvent(WatchEvent.Type.PUT, "k/a", Optional.of("1"), 2);
    private static final WatchEvent B2 = new WatchEvent(WatchEvent.Type.PUT, "k/b", Optional.of("2"), 3);
    private static final WatchEvent DEL_A = new WatchEvent(WatchEvent.Type.DELETE, "k/a", Optional.empty(), 4);
    private static final WatchEvent A3 = new WatchEvent(WatchEvent.Type.PUT, "k/a", Optional.of("3"), 5);

    private static HistoryChecker.Report check(WatchSegment... segments) {
        History h = writes().watch(new WatchRecord(1, "k/", true, List.of(segments))).build();
        HistoryChecker.Report report = new HistoryChecker().check(h);
        report.anomalies().forEach(System.out::println);
        return report;
    }

    private static void assertRejectedAs(AnomalyKind kind, HistoryChecker.Report report) {
        assertEquals(Verdict.VIOLATION, report.verdict());
        assertTrue(report.has(kind), "expected " + kind + " in " + report.anomalies());
    }

    @Test
    void completeOrderedStreamIsAccepted() {
        assertEquals(Verdict.OK, check(new WatchSegment(2, List.of(A1, B2, DEL_A, A3))).verdict());
    }

    @Test
    void streamResumedExactlyAfterItsLastEventIsAccepted() {
        assertEquals(Verdict.OK, check(new WatchSegment(2, List.of(A1, B2)), new WatchSegment(4, List.of(DEL_A, A3))).verdict());
    }

    @Test
    void duplicateEventIsRejected() {
        assertRejectedAs(AnomalyKind.WATCH_DUPLICATE, check(new WatchSegment(2, List.of(A1, B2, B2, DEL_A, A3))));
    }

    @Test
    void eventRedeliveredByAResumedStreamIsADuplicate() {
        assertRejectedAs(AnomalyKind.WATCH_DUPLICATE, check(new WatchSegment(2, List.of(A1, B2)), new WatchSegment(3, List.of(B2, DEL_A, A3))));
    }

    @Test
    void missingEventIsAGap() {
        assertRejectedAs(AnomalyKind.WATCH_GAP, check(new WatchSegment(2, List.of(A1, DEL_A, A3))));
    }

    @Test
    void resumedStreamThatSkipsAnEventIsAGap() {
        assertRejectedAs(AnomalyKind.WATCH_GAP, check(new WatchSegment(2, List.of(A1)), new WatchSegment(4, List.of(DEL_A, A3))));
    }

    @Test
    void outOfOrderEventsAreRejected() {
        assertRejectedAs(AnomalyKind.WATCH_ORDER, check(new WatchSegment(2, List.of(A1, DEL_A, B2, A3))));
    }

    @Test
    void eventThatDisagreesWithTheKvHistoryIsRejected() {
        WatchEvent wrong = new WatchEvent(WatchEvent.Type.PUT, "k/b", Optional.of("other"), 3);
        assertRejectedAs(AnomalyKind.WATCH_MISMATCH, check(new WatchSegment(2, List.of(A1, wrong, DEL_A, A3))));
    }

    @Test
    void eventOfAnUnknownWriteIsAcceptedAsProofItTookEffect() {
        History h = new Histories()
                .put(1, "k/a", "1", 0, 10, 2)
                .putUnknown(2, "k/a", "2", 20, 30)
                .watch(new WatchRecord(1, "k/", true, List.of(new WatchSegment(2, List.of(A1,
                        new WatchEvent(WatchEvent.Type.PUT, "k/a", Optional.of("2"), 3))))))
                .build();
        assertEquals(Verdict.OK, new HistoryChecker().check(h).verdict());
    }

    @Test
    void twoWatchersThatDisagreeAboutARevisionAreRejected() {
        History h = new Histories()
                .putUnknown(1, "k/a", "1", 0, 10)
                .putUnknown(2, "k/a", "2", 0, 10)
                .watch(new WatchRecord(1, "k/", true, List.of(new WatchSegment(2, List.of(new WatchEvent(WatchEvent.Type.PUT, "k/a", Optional.of("1"), 2))))))
                .watch(new WatchRecord(2, "k/", true, List.of(new WatchSegment(2, List.of(new WatchEvent(WatchEvent.Type.PUT, "k/a", Optional.of("2"), 2))))))
                .build();
        assertTrue(new HistoryChecker().check(h).has(AnomalyKind.WATCH_MISMATCH));
    }
}
