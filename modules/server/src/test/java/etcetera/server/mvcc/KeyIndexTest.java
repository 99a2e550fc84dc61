package etcetera.server.mvcc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeyIndexTest {

    private final KeyIndex index = new KeyIndex();

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Revision r(long main, long sub) {
        return new Revision(main, sub);
    }

    /** foo: put 2, put 4, delete 6 | put 8, put 10, delete 12 | put 14, put 14.1, put 16. */
    private void threeGenerations() {
        index.put(b("foo"), r(2, 0));
        index.put(b("foo"), r(4, 0));
        assertTrue(index.tombstone(b("foo"), r(6, 0)));
        index.put(b("foo"), r(8, 0));
        index.put(b("foo"), r(10, 0));
        assertTrue(index.tombstone(b("foo"), r(12, 0)));
        index.put(b("foo"), r(14, 0));
        index.put(b("foo"), r(14, 1));
        index.put(b("foo"), r(16, 0));
    }

    @Test
    void getFindsTheVersionVisibleAtEachRevisionAcrossGenerations() {
        threeGenerations();
        assertNull(index.get(b("foo"), 1));
        assertEquals(new KeyHistory.Found(r(2, 0), 2, 1), index.get(b("foo"), 2));
        assertEquals(new KeyHistory.Found(r(2, 0), 2, 1), index.get(b("foo"), 3));
        assertEquals(new KeyHistory.Found(r(4, 0), 2, 2), index.get(b("foo"), 5));
        assertNull(index.get(b("foo"), 6), "deleted at 6");
        assertNull(index.get(b("foo"), 7));
        assertEquals(new KeyHistory.Found(r(8, 0), 8, 1), index.get(b("foo"), 8));
        assertEquals(new KeyHistory.Found(r(10, 0), 8, 2), index.get(b("foo"), 11));
        assertNull(index.get(b("foo"), 13));
        assertEquals(new KeyHistory.Found(r(14, 1), 14, 2), index.get(b("foo"), 14), "last change of the txn wins");
        assertEquals(new KeyHistory.Found(r(16, 0), 14, 3), index.get(b("foo"), 100));
        assertNull(index.get(b("bar"), 100));
    }

    @Test
    void tombstoneOfADeletedOrUnknownKeyIsRefused() {
        assertFalse(index.tombstone(b("foo"), r(2, 0)));
        index.put(b("foo"), r(2, 0));
        assertTrue(index.tombstone(b("foo"), r(3, 0)));
        assertFalse(index.tombstone(b("foo"), r(4, 0)));
        assertEquals(List.of(List.of(r(2, 0), r(3, 0)), List.of()), index.generations(b("foo")));
    }

    @Test
    void putMustMoveForward() {
        index.put(b("foo"), r(5, 1));
        assertThrows(IllegalStateException.class, () -> index.put(b("foo"), r(5, 1)));
        assertThrows(IllegalStateException.class, () -> index.put(b("foo"), r(4, 9)));
    }

    @Test
    void compactionKeepsWhatReadsAtOrAfterTheRevisionNeed() {
        threeGenerations();
        record Step(long at, Set<Revision> keep, List<List<Revision>> generations) {
        }
        List<Step> steps = List.of(
                new Step(1, Set.of(), List.of(List.of(r(2, 0), r(4, 0), r(6, 0)), List.of(r(8, 0), r(10, 0), r(12, 0)),
                        List.of(r(14, 0), r(14, 1), r(16, 0)))),
                new Step(3, Set.of(r(2, 0)), List.of(List.of(r(2, 0), r(4, 0), r(6, 0)),
                        List.of(r(8, 0), r(10, 0), r(12, 0)), List.of(r(14, 0), r(14, 1), r(16, 0)))),
                new Step(4, Set.of(r(4, 0)), List.of(List.of(r(4, 0), r(6, 0)),
                        List.of(r(8, 0), r(10, 0), r(12, 0)), List.of(r(14, 0), r(14, 1), r(16, 0)))),
                new Step(6, Set.of(), List.of(List.of(r(8, 0), r(10, 0), r(12, 0)), List.of(r(14, 0), r(14, 1), r(16, 0)))),
                new Step(11, Set.of(r(10, 0)), List.of(List.of(r(10, 0), r(12, 0)), List.of(r(14, 0), r(14, 1), r(16, 0)))),
                new Step(13, Set.of(), List.of(List.of(r(14, 0), r(14, 1), r(16, 0)))),
                new Step(14, Set.of(r(14, 1)), List.of(List.of(r(14, 1), r(16, 0)))),
                new Step(20, Set.of(r(16, 0)), List.of(List.of(r(16, 0)))));
        for (Step step : steps) {
            assertEquals(step.keep(), index.keep(step.at()), "keep at " + step.at());
            assertEquals(step.keep(), index.compact(step.at(), 1), "compact at " + step.at());
            assertEquals(step.generations(), index.generations(b("foo")), "generations after compact at " + step.at());
        }
        assertEquals(new KeyHistory.Found(r(16, 0), 14, 3), index.get(b("foo"), 20), "version survives compaction");
    }

    @Test
    void compactionDropsAKeyDeletedAtOrBeforeTheRevision() {
        index.put(b("a"), r(2, 0));
        index.tombstone(b("a"), r(3, 0));
        index.put(b("b"), r(4, 0));
        index.tombstone(b("b"), r(5, 0));
        assertEquals(Set.of(r(4, 0)), index.compact(4, 1), "b is live at 4");
        assertEquals(1, index.size(), "b is still deleted only after 4");
        assertEquals(Set.of(), index.compact(5, 1));
        assertEquals(0, index.size());
    }

    @Test
    void compactionStepsThroughManyKeys() {
        for (int i = 0; i < 100; i++) {
            index.put(b("k" + i), r(i + 2, 0));
            index.put(b("k" + i), r(i + 200, 0));
        }
        Set<Revision> keep = index.compact(150, 7);
        assertEquals(100, keep.size());
        for (int i = 0; i < 100; i++) {
            assertEquals(i + 200 <= 150 ? 1 : (i + 2 <= 150 ? 2 : 1), index.generations(b("k" + i)).getFirst().size());
        }
    }

    @Test
    void rangeVariantsFollowEtcdsEndConvention() {
        index.put(b("a"), r(2, 0));
        index.put(b("b"), r(3, 0));
        index.put(b("c"), r(4, 0));
        index.tombstone(b("b"), r(5, 0));
        assertEquals(List.of("a"), keys(b("a"), new byte[0], 10, 0));
        assertEquals(List.of("a", "b"), keys(b("a"), b("c"), 4, 0));
        assertEquals(List.of("a", "c"), keys(b("a"), b("d"), 5, 0), "b deleted at 5");
        assertEquals(List.of("b", "c"), keys(b("b"), new byte[] {0}, 4, 0), "from key");
        assertEquals(List.of("a", "b", "c"), keys(new byte[] {0}, new byte[] {0}, 4, 0), "everything");
        assertEquals(List.of(), keys(b("c"), b("a"), 4, 0), "end before key");
        List<String> limited = new ArrayList<>();
        long count = index.range(b("a"), new byte[] {0}, 4, -1, 2, (k, rev) -> limited.add(new String(k, StandardCharsets.UTF_8)));
        assertEquals(3, count, "count ignores the limit");
        assertEquals(List.of("a", "b"), limited);
    }

    @Test
    void rangeBeforeTheCompactionRevisionIsRefusedButAtItIsAllowed() {
        index.put(b("a"), r(2, 0));
        index.put(b("a"), r(3, 0));
        index.compact(3, 10);
        MvccException e = assertThrows(MvccException.class, () -> keys(b("a"), new byte[0], 2, 0));
        assertEquals(MvccException.Kind.COMPACTED, e.kind());
        assertEquals(3, e.storeRevision());
        assertEquals(List.of("a"), keys(b("a"), new byte[0], 3, 0));
        assertThrows(MvccException.class, () -> keys(b("a"), new byte[0], 3, 4), "a floor given by the writer counts too");
    }

    private List<String> keys(byte[] key, byte[] end, long at, long floor) {
        List<String> out = new ArrayList<>();
        index.range(key, end, at, floor, 0, (k, rev) -> out.add(new String(k, StandardCharsets.UTF_8)));
        return out;
    }
}
