package etcetera.server.mvcc;

import static etcetera.server.mvcc.StoreFixture.FROM_KEY;
import static etcetera.server.mvcc.StoreFixture.NONE;
import static etcetera.server.mvcc.StoreFixture.b;
import static etcetera.server.mvcc.StoreFixture.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import etcetera.api.storage.ReadTxn;
import etcetera.api.storage.WriteBatch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MvccStoreTest {

    @TempDir
    Path dir;

    private StoreFixture fx;

    @BeforeEach
    void open() {
        fx = new StoreFixture(dir);
    }

    @AfterEach
    void close() {
        if (fx != null) {
            fx.close();
        }
    }

    private MvccStore store() {
        return fx.store();
    }

    private static KeyValue kv(String key, long create, long mod, long version, String value) {
        return new KeyValue(b(key), create, mod, version, b(value), 0);
    }

    private List<KeyValue> kvs(String key, byte[] end, long rev) {
        return fx.range(key, end, rev).kvs();
    }

    @Test
    void newStoreIsAtRevisionOneAndNeverCompacted() {
        assertEquals(1, store().currentRevision());
        assertEquals(-1, store().compactRevision());
        assertEquals(0, store().consistentIndex());
        assertEquals(new RangeResult(List.of(), 0, 1), fx.range("foo", NONE, 0));
    }

    @Test
    void revisionsAndVersionsFollowPutsDeletesAndNewGenerations() {
        assertEquals(2, fx.put("foo", "v1"));
        assertEquals(3, fx.put("foo", "v2"));
        assertEquals(List.of(kv("foo", 2, 3, 2, "v2")), kvs("foo", NONE, 0));
        assertEquals(1, fx.delete("foo", null));
        assertEquals(4, store().currentRevision());
        assertEquals(List.of(), kvs("foo", NONE, 0));
        assertEquals(0, fx.delete("foo", null), "deleting nothing");
        assertEquals(4, store().currentRevision(), "a transaction that changes nothing takes no revision");
        assertEquals(5, fx.put("foo", "v3"));
        assertEquals(List.of(kv("foo", 5, 5, 1, "v3")), kvs("foo", NONE, 0), "a new generation starts at version 1");
        assertEquals(List.of(kv("foo", 2, 2, 1, "v1")), kvs("foo", NONE, 2));
        assertEquals(List.of(kv("foo", 2, 3, 2, "v2")), kvs("foo", NONE, 3));
        assertEquals(List.of(), kvs("foo", NONE, 4));
        assertEquals(List.of(List.of(new Revision(2, 0), new Revision(3, 0), new Revision(4, 0)), List.of(new Revision(5, 0))),
                store().generations(b("foo")));
    }

    @Test
    void eventsCarryThePreviousVersion() {
        List<Event> first = fx.apply(txn -> txn.put(b("foo"), b("v1"), 7));
        assertEquals(List.of(new Event(Event.Type.PUT, new KeyValue(b("foo"), 2, 2, 1, b("v1"), 7), Optional.empty())), first);
        List<Event> second = fx.apply(txn -> txn.put(b("foo"), b("v2"), 0));
        assertEquals(List.of(new Event(Event.Type.PUT, kv("foo", 2, 3, 2, "v2"),
                Optional.of(new KeyValue(b("foo"), 2, 2, 1, b("v1"), 7)))), second);
        List<Event> deleted = fx.apply(txn -> txn.deleteRange(b("foo"), NONE));
        assertEquals(List.of(new Event(Event.Type.DELETE, KeyValue.tombstone(b("foo"), 4), Optional.of(kv("foo", 2, 3, 2, "v2")))),
                deleted);
    }

    @Test
    void rangeVariants() {
        for (String key : List.of("a", "b/1", "b/2", "b/3", "c")) {
            fx.put(key, "v-" + key);
        }
        assertEquals(6, store().currentRevision());
        assertEquals(List.of("b/2"), keys(fx.range("b/2", NONE, 0)), "single key");
        assertEquals(List.of("b/1", "b/2", "b/3"), keys(fx.range("b/", b("b0"), 0)), "prefix");
        assertEquals(List.of("b/3", "c"), keys(fx.range("b/3", FROM_KEY, 0)), "from key");
        assertEquals(List.of("a", "b/1", "b/2", "b/3", "c"), keys(fx.range("\0", FROM_KEY, 0)), "everything");
        assertEquals(List.of("a", "b/1"), keys(fx.range("a", b("b/2"), 0)), "[key, end)");
        assertEquals(List.of("a", "b/1", "b/2"), keys(fx.range("a", FROM_KEY, 4)), "at an old revision");
        try (ReadView view = store().read()) {
            RangeResult limited = view.range(b("a"), FROM_KEY, 0, 2, false);
            assertEquals(List.of("a", "b/1"), keys(limited));
            assertEquals(5, limited.count());
            assertTrue(limited.more());
            RangeResult counted = view.range(b("b/"), b("b0"), 0, 0, true);
            assertEquals(new RangeResult(List.of(), 3, 6), counted);
            RangeResult countedAtOld = view.range(b("b/"), b("b0"), 3, 1, true);
            assertEquals(new RangeResult(List.of(), 1, 6), countedAtOld, "the result carries the view's revision");
            MvccException future = assertThrows(MvccException.class, () -> view.range(b("a"), NONE, 7, 0, false));
            assertEquals(MvccException.Kind.FUTURE_REVISION, future.kind());
            assertEquals(6, future.storeRevision());
        }
    }

    @Test
    void changesOfOneTransactionShareOneRevision() {
        fx.put("c", "old");
        List<Event> events = fx.apply(txn -> {
            assertEquals(2, txn.revision());
            txn.put(b("a"), b("1"), 0);
            assertEquals(3, txn.revision());
            txn.put(b("b"), b("2"), 0);
            assertEquals(List.of("a", "b", "c"), keys(txn.range(b("a"), FROM_KEY, 0, 0, false)), "sees its own puts");
            assertEquals(1, txn.deleteRange(b("c"), NONE));
            assertEquals(List.of("a", "b"), keys(txn.range(b("a"), FROM_KEY, 0, 0, false)), "sees its own delete");
        });
        assertEquals(3, store().currentRevision());
        assertEquals(List.of(3L, 3L, 3L), events.stream().map(e -> e.kv().modRevision()).toList());
        assertEquals(List.of(List.of(new Revision(2, 0), new Revision(3, 2)), List.of()), store().generations(b("c")));
        assertEquals(List.of(List.of(new Revision(3, 1))), store().generations(b("b")));
        assertEquals(List.of("c"), keys(fx.range("a", FROM_KEY, 2)));
    }

    @Test
    void aKeyPutTwiceInOneTransactionKeepsTheLastValue() {
        List<Event> events = fx.apply(txn -> {
            txn.put(b("k"), b("1"), 0);
            txn.put(b("k"), b("2"), 0);
        });
        assertEquals(kv("k", 2, 2, 1, "1"), events.get(1).prevKv().orElseThrow());
        assertEquals(List.of(kv("k", 2, 2, 2, "2")), kvs("k", NONE, 0));
    }

    @Test
    void readersDoNotSeeUncommittedTransactions() throws Exception {
        fx.put("k", "committed");
        WriteTxn txn = store().write();
        txn.put(b("k"), b("pending"), 0);
        txn.put(b("other"), b("pending"), 0);
        txn.end();
        assertEquals(3, store().appliedRevision());
        assertEquals(2, store().currentRevision());
        Thread reader = Thread.ofPlatform().start(() -> {
            try (ReadView view = store().read()) {
                assertEquals(2, view.revision());
                assertEquals(List.of(kv("k", 2, 2, 1, "committed")), view.range(b("\0"), FROM_KEY, 0, 0, false).kvs());
                assertThrows(MvccException.class, () -> view.range(b("k"), NONE, 3, 0, false));
            }
        });
        reader.join(10_000);
        ReadView before = store().read();
        store().commit(100);
        assertEquals(3, store().currentRevision());
        assertEquals(100, store().consistentIndex());
        assertEquals(List.of("k"), keys(before.range(b("\0"), FROM_KEY, 0, 0, false)), "a view opened before the commit stays put");
        before.close();
        assertEquals(List.of("k", "other"), keys(fx.range("\0", FROM_KEY, 0)));
    }

    @Test
    void readersRunConcurrentlyWithTheWriterAndOnlySeeCommittedRevisions() throws Exception {
        int revisions = 600;
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
        List<Thread> readers = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            readers.add(Thread.ofPlatform().start(() -> {
                try {
                    while (writing.get()) {
                        try (ReadView view = store().read()) {
                            long rev = view.revision();
                            // Revision r (r >= 2) put key n%04d for n = r - 2 and changed "last" to r.
                            RangeResult all = view.range(b("n"), b("o"), 0, 0, false);
                            assertEquals(expectedNumbered(rev), all.count());
                            for (KeyValue kv : all.kvs()) {
                                assertTrue(kv.modRevision() <= rev);
                            }
                            List<KeyValue> last = view.range(b("last"), NONE, 0, 0, false).kvs();
                            if (rev > 1) {
                                assertEquals(Long.toString(rev), s(last.getFirst().value()));
                            }
                        }
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        int perBatch = 3;
        long appliedIndex = store().consistentIndex();
        for (int r = 2; r < revisions; r++) {
            WriteTxn txn = store().write();
            txn.put(b("last"), b(Long.toString(r)), 0);
            if (r % 2 == 0) {
                txn.put(b(String.format("n%04d", r)), b("x"), 0);
            }
            txn.end();
            if (r % perBatch == 0) {
                store().commit(++appliedIndex);
            }
        }
        store().commit(++appliedIndex);
        writing.set(false);
        for (Thread reader : readers) {
            reader.join(30_000);
            assertFalse(reader.isAlive());
        }
        assertEquals(List.of(), failures);
        assertEquals(revisions - 1, store().currentRevision());
    }

    private static long expectedNumbered(long rev) {
        return rev / 2; // revisions 2, 4, ..., <= rev each added one numbered key
    }

    @Test
    void reopenRestoresRevisionsIndexAndConsistentIndex() {
        fx.put("a", "1");
        fx.put("b", "1");
        fx.put("a", "2");
        fx.delete("b", null);
        fx.put("b", "2");
        fx.put("c", "1");
        fx.delete("c", null);
        List<List<String>> before = new ArrayList<>();
        for (long r = 1; r <= 8; r++) {
            before.add(keysAndValues(fx.range("\0", FROM_KEY, r)));
        }
        long index = store().consistentIndex();
        fx.reopen();
        assertEquals(8, store().currentRevision());
        assertEquals(index, store().consistentIndex());
        assertEquals(-1, store().compactRevision());
        for (long r = 1; r <= 8; r++) {
            assertEquals(before.get((int) r - 1), keysAndValues(fx.range("\0", FROM_KEY, r)), "at " + r);
        }
        assertEquals(9, fx.put("a", "3"));
        assertEquals(List.of(kv("a", 2, 9, 3, "3")), kvs("a", NONE, 0), "versions continue after a restart");
        assertEquals(10, fx.put("c", "2"));
        assertEquals(List.of(kv("c", 10, 10, 1, "2")), kvs("c", NONE, 0));
    }

    @Test
    void compactionRefusesOldAndFutureRevisionsAndAllowsReadsAtTheRevision() {
        fx.put("foo", "1");
        fx.put("foo", "2");
        fx.put("foo", "3");
        assertEquals(MvccException.Kind.FUTURE_REVISION, assertThrows(MvccException.class, () -> store().compact(5)).kind());
        fx.compact(3).done().join();
        assertEquals(3, store().compactRevision());
        MvccException again = assertThrows(MvccException.class, () -> store().compact(3));
        assertEquals(MvccException.Kind.COMPACTED, again.kind());
        assertEquals(3, again.storeRevision());
        MvccException old = assertThrows(MvccException.class, () -> fx.range("foo", NONE, 2));
        assertEquals(MvccException.Kind.COMPACTED, old.kind());
        assertEquals(List.of(kv("foo", 2, 3, 2, "2")), kvs("foo", NONE, 3), "a read at the compaction revision works");
        assertEquals(List.of(kv("foo", 2, 4, 3, "3")), kvs("foo", NONE, 0));
        assertEquals(4, store().currentRevision());
    }

    @Test
    void compactionPhysicallyRemovesHistory() {
        fx.close();
        fx = new StoreFixture(dir, new MvccOptions(64)); // several compaction steps
        String big = "x".repeat(2000);
        for (int i = 0; i < 300; i++) {
            fx.put("k" + (i % 5), big + i);
        }
        fx.delete("k4", null);
        long current = store().currentRevision();
        long inUse = fx.backend().sizeInUse();
        assertEquals(301, countRecords());
        fx.compact(current).done().join();
        assertEquals(4, countRecords(), "one version per live key; the deleted key's tombstone is gone too");
        assertTrue(fx.backend().sizeInUse() < inUse / 4, "in use " + fx.backend().sizeInUse() + " was " + inUse);
        assertEquals(4, store().indexedKeys());
        assertThrows(MvccException.class, () -> fx.range("k0", NONE, current - 1));
        assertEquals(List.of("k0", "k1", "k2", "k3"), keys(fx.range("k", FROM_KEY, current)));
        fx.reopen();
        assertEquals(current, store().currentRevision(), "compacting away the newest record keeps the revision");
        assertEquals(current, store().compactRevision());
        assertEquals(List.of("k0", "k1", "k2", "k3"), keys(fx.range("k", FROM_KEY, 0)));
        fx.put("k4", "back");
        assertEquals(List.of(new KeyValue(b("k4"), current + 1, current + 1, 1, b("back"), 0)), kvs("k4", NONE, 0));
    }

    @Test
    void compactionWithinABatchTakesEffectAtCommit() {
        fx.put("a", "1");
        fx.put("a", "2");
        CompactionResult result = store().compact(3);
        assertEquals(-1, store().compactRevision());
        try (WriteTxn txn = store().write()) {
            assertThrows(MvccException.class, () -> txn.range(b("a"), NONE, 2, 0, false), "the writer sees it at once");
        }
        assertEquals(List.of(kv("a", 2, 2, 1, "1")), kvs("a", NONE, 2), "readers only after the commit");
        assertFalse(result.done().isDone());
        store().commit(store().consistentIndex() + 1);
        assertEquals(3, store().compactRevision());
        result.done().join();
        assertThrows(MvccException.class, () -> fx.range("a", NONE, 2));
    }

    @Test
    void interruptedCompactionIsFinishedWhenTheStoreOpens() {
        for (int i = 0; i < 50; i++) {
            fx.put("k" + (i % 3), "v" + i);
        }
        fx.close();
        // A crash after the compaction was recorded, before its history was removed.
        var backend = StoreFixture.openBackend(dir, etcetera.api.storage.BackendOptions.defaults());
        try (WriteBatch batch = backend.write()) {
            batch.put(MvccStore.META_BUCKET, MvccStore.SCHEDULED_COMPACT, new Revision(40, 0).toBytes());
            batch.commit();
        } finally {
            backend.close();
        }
        fx = new StoreFixture(dir);
        assertEquals(40, store().compactRevision());
        store().compactionsDone().join();
        assertEquals(3 + 11, countRecords(), "three kept at 40 plus the 11 revisions after it");
        assertThrows(MvccException.class, () -> fx.range("k0", NONE, 39));
        try (ReadTxn txn = fx.backend().read()) {
            assertEquals(new Revision(40, 0), Revision.fromBytes(txn.get(MvccStore.META_BUCKET, MvccStore.FINISHED_COMPACT).orElseThrow()));
        }
    }

    @Test
    void sharedBatchCommitsWithTheStore() {
        WriteBatch shared = store().sharedBatch();
        shared.createBucket("lease");
        shared.put("lease", b("1"), b("ttl=5"));
        assertThrows(IllegalArgumentException.class, () -> shared.put(MvccStore.KEY_BUCKET, b("x"), b("y")));
        assertThrows(UnsupportedOperationException.class, shared::commit);
        store().commit(9);
        fx.reopen();
        assertEquals(9, store().consistentIndex());
        try (ReadTxn txn = fx.backend().read()) {
            assertEquals("ttl=5", s(txn.get("lease", b("1")).orElseThrow()));
        }
    }

    @Test
    void hashKVDependsOnHistoryUpToTheRevisionOnly() {
        fx.put("a", "1");
        fx.put("b", "1");
        KvHash atThree = store().hashKV(0);
        assertEquals(3, atThree.currentRevision());
        fx.put("a", "2");
        assertEquals(atThree.hash(), store().hashKV(3).hash());
        assertTrue(atThree.hash() != store().hashKV(0).hash());
        assertEquals(MvccException.Kind.FUTURE_REVISION, assertThrows(MvccException.class, () -> store().hashKV(5)).kind());
        fx.compact(3).done().join();
        assertEquals(MvccException.Kind.COMPACTED, assertThrows(MvccException.class, () -> store().hashKV(3)).kind());
        long hash = store().hash();
        assertEquals(hash, store().hash());
    }

    @Test
    void changesReplayCommittedHistoryInRevisionOrder() {
        fx.put("a", "1");
        fx.apply(txn -> {
            txn.put(b("b"), b("1"), 0);
            txn.deleteRange(b("a"), NONE);
        });
        fx.put("a", "2");
        WriteTxn pending = store().write();
        pending.put(b("c"), b("uncommitted"), 0);
        pending.end();
        List<Event> all = store().changes(2, 0);
        assertEquals(List.of(
                new Event(Event.Type.PUT, kv("a", 2, 2, 1, "1"), Optional.empty()),
                new Event(Event.Type.PUT, kv("b", 3, 3, 1, "1"), Optional.empty()),
                new Event(Event.Type.DELETE, KeyValue.tombstone(b("a"), 3), Optional.empty()),
                new Event(Event.Type.PUT, kv("a", 4, 4, 1, "2"), Optional.empty())), all);
        assertEquals(all.subList(1, 3), store().changes(3, 3));
        store().commit(store().consistentIndex() + 1);
        fx.compact(3).done().join();
        assertEquals(MvccException.Kind.COMPACTED, assertThrows(MvccException.class, () -> store().changes(2, 0)).kind());
        assertEquals(List.of("b", "a", "c"), store().changes(3, 0).stream().map(e -> s(e.kv().key())).toList(),
                "at the compaction revision its puts survive, its delete does not");
    }

    private long countRecords() {
        long[] n = {0};
        try (ReadTxn txn = fx.backend().read()) {
            txn.scan(MvccStore.KEY_BUCKET, new byte[0], null, false, (k, v) -> {
                n[0]++;
                return true;
            });
        }
        return n[0];
    }

    private static List<String> keys(RangeResult result) {
        return result.kvs().stream().map(kv -> s(kv.key())).toList();
    }

    private static List<String> keysAndValues(RangeResult result) {
        return result.kvs().stream().map(kv -> s(kv.key()) + "=" + s(kv.value()) + "@" + kv.createRevision() + "/"
                + kv.modRevision() + "/" + kv.version()).toList();
    }
}
