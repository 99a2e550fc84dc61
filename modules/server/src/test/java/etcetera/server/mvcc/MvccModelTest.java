package etcetera.server.mvcc;

import static etcetera.server.mvcc.StoreFixture.FROM_KEY;
import static etcetera.server.mvcc.StoreFixture.NONE;
import static etcetera.server.mvcc.StoreFixture.b;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Random histories of puts, deletes, multi-op transactions, batch commits, compactions and
 * restarts (with uncommitted work lost, as in a crash) against a model that keeps the whole
 * history: every retained revision must read exactly as the model says, and every compacted
 * one must be refused. jqwik prints the seed of a failing run; replay it with
 * {@code @Property(seed = "...")}.
 */
class MvccModelTest {

    private static final int KEYS = 8;

    sealed interface Op permits Put, Delete, Txn, Commit, Compact, Reopen, AwaitCompaction {
    }

    /** A put of key {@code k<key>}. */
    record Put(int key, int value, long lease) implements Op {
    }

    /** Deletes {@code k<key>} alone if {@code end < 0}, from it on if {@code end == KEYS}, else {@code [k<key>, k<end>)}. */
    record Delete(int key, int end) implements Op {
    }

    record Txn(List<Op> ops) implements Op {
    }

    record Commit() implements Op {
    }

    record Compact(int choice) implements Op {
    }

    record Reopen() implements Op {
    }

    record AwaitCompaction() implements Op {
    }

    /** A version in the model. */
    record Version(int value, long create, long mod, long version, long lease) {
    }

    @Provide
    Arbitrary<List<Op>> histories() {
        Arbitrary<Op> put = Combinators.combine(Arbitraries.integers().between(0, KEYS - 1),
                Arbitraries.integers().between(0, 999), Arbitraries.of(0L, 0L, 0L, 42L)).as(Put::new);
        Arbitrary<Op> delete = Combinators.combine(Arbitraries.integers().between(0, KEYS - 1),
                Arbitraries.integers().between(-3, KEYS)).as(Delete::new);
        Arbitrary<Op> txn = Arbitraries.oneOf(put, delete).list().ofMaxSize(4).map(Txn::new);
        Arbitrary<Op> op = Arbitraries.frequencyOf(
                Tuple.of(6, put),
                Tuple.of(3, delete),
                Tuple.of(3, txn),
                Tuple.of(5, Arbitraries.just(new Commit())),
                Tuple.of(2, Arbitraries.integers().between(0, 1000).map(Compact::new)),
                Tuple.of(1, Arbitraries.just(new Reopen())),
                Tuple.of(1, Arbitraries.just(new AwaitCompaction())));
        return op.list().ofMinSize(1).ofMaxSize(70);
    }

    @Property(tries = 60)
    void everyRetainedRevisionReadsAsTheModelSays(@ForAll("histories") List<Op> history) throws IOException {
        Path dir = Files.createTempDirectory("mvcc-model");
        try (StoreFixture fx = new StoreFixture(dir, new MvccOptions(3))) {
            new Run(fx).play(history);
        } finally {
            deleteRecursively(dir);
        }
    }

    /** One run: the store under test and the model side by side. */
    private static final class Run {
        private final StoreFixture fx;
        /** history.get(r) is the state at revision r; revision 0 is unused. */
        private final List<SortedMap<String, Version>> history = new ArrayList<>(List.of(new TreeMap<>(), new TreeMap<>()));
        private long committedRevision = 1;
        private long compactRevision = -1;
        private long pendingCompaction = -1;
        private long appliedIndex;

        Run(StoreFixture fx) {
            this.fx = fx;
            this.appliedIndex = fx.store().consistentIndex();
        }

        long appliedRevision() {
            return history.size() - 1;
        }

        void play(List<Op> ops) {
            for (Op op : ops) {
                switch (op) {
                    case Put p -> transaction(List.of(p));
                    case Delete d -> transaction(List.of(d));
                    case Txn t -> transaction(t.ops());
                    case Commit c -> commit();
                    case Compact c -> compact(c.choice());
                    case Reopen r -> reopen();
                    case AwaitCompaction a -> {
                        commit(); // waiting with a batch open would block the compactor
                        fx.store().compactionsDone().join();
                    }
                }
            }
            commit();
            fx.store().compactionsDone().join();
            verify();
            reopen();
        }

        private void transaction(List<Op> ops) {
            long rev = appliedRevision() + 1;
            TreeMap<String, Version> next = new TreeMap<>(history.getLast());
            List<Event> expected = new ArrayList<>();
            WriteTxn txn = fx.store().write();
            for (Op op : ops) {
                switch (op) {
                    case Put p -> {
                        String key = "k" + p.key();
                        Version prev = next.get(key);
                        Version now = prev == null
                                ? new Version(p.value(), rev, rev, 1, p.lease())
                                : new Version(p.value(), prev.create(), rev, prev.version() + 1, p.lease());
                        next.put(key, now);
                        expected.add(new Event(Event.Type.PUT, kv(key, now), Optional.ofNullable(prev).map(v -> kv(key, v))));
                        txn.put(b(key), b("v" + p.value()), p.lease());
                    }
                    case Delete d -> {
                        byte[] end = d.end() < 0 ? NONE : d.end() == KEYS ? FROM_KEY : b("k" + d.end());
                        Map<String, Version> doomed = d.end() < 0
                                ? (next.containsKey("k" + d.key()) ? Map.of("k" + d.key(), next.get("k" + d.key())) : Map.of())
                                : d.end() == KEYS ? new TreeMap<>(next.tailMap("k" + d.key()))
                                : d.end() <= d.key() ? Map.of() : new TreeMap<>(next.subMap("k" + d.key(), "k" + d.end()));
                        for (Map.Entry<String, Version> gone : new TreeMap<>(doomed).entrySet()) {
                            expected.add(new Event(Event.Type.DELETE, KeyValue.tombstone(b(gone.getKey()), rev),
                                    Optional.of(kv(gone.getKey(), gone.getValue()))));
                            next.remove(gone.getKey());
                        }
                        assertEquals(doomed.size(), txn.deleteRange(b("k" + d.key()), end));
                    }
                    default -> throw new IllegalArgumentException("not a transaction op: " + op);
                }
            }
            assertEquals(expected, txn.end());
            if (!expected.isEmpty()) {
                history.add(next);
            }
            assertEquals(appliedRevision(), fx.store().appliedRevision());
        }

        private void commit() {
            fx.store().commit(++appliedIndex);
            committedRevision = appliedRevision();
            if (pendingCompaction >= 0) {
                compactRevision = pendingCompaction;
                pendingCompaction = -1;
            }
            verify();
        }

        private void compact(int choice) {
            long floor = Math.max(Math.max(compactRevision, pendingCompaction), 0) + 1;
            if (floor > appliedRevision()) {
                MvccException e = assertThrows(MvccException.class, () -> fx.store().compact(floor));
                assertEquals(MvccException.Kind.FUTURE_REVISION, e.kind());
                return;
            }
            long target = floor + choice % (appliedRevision() - floor + 1);
            fx.store().compact(target);
            pendingCompaction = target;
        }

        /** A restart: whatever was not committed is lost, as after a crash. */
        private void reopen() {
            fx.reopen();
            while (appliedRevision() > committedRevision) {
                history.removeLast();
            }
            pendingCompaction = -1;
            appliedIndex = fx.store().consistentIndex();
            verify();
        }

        private void verify() {
            MvccStore store = fx.store();
            assertEquals(committedRevision, store.currentRevision(), "current revision");
            assertEquals(compactRevision, store.compactRevision(), "compact revision");
            try (ReadView view = store.read()) {
                for (long r = 1; r <= committedRevision; r++) {
                    if (r < compactRevision) {
                        long at = r;
                        MvccException e = assertThrows(MvccException.class, () -> view.range(b("k"), FROM_KEY, at, 0, false));
                        assertEquals(MvccException.Kind.COMPACTED, e.kind());
                        continue;
                    }
                    SortedMap<String, Version> expected = history.get((int) r);
                    List<KeyValue> kvs = expected.entrySet().stream().map(e -> kv(e.getKey(), e.getValue())).toList();
                    assertEquals(new RangeResult(kvs, kvs.size(), committedRevision), view.range(b("k"), FROM_KEY, r, 0, false),
                            "everything at revision " + r);
                    assertEquals(new RangeResult(kvs.subList(0, Math.min(2, kvs.size())), kvs.size(), committedRevision),
                            view.range(b("k"), FROM_KEY, r, 2, false), "limit 2 at revision " + r);
                    Version k3 = expected.get("k3");
                    assertEquals(k3 == null ? List.of() : List.of(kv("k3", k3)), view.range(b("k3"), NONE, r, 0, false).kvs());
                }
            }
        }

        private static KeyValue kv(String key, Version v) {
            return new KeyValue(b(key), v.create(), v.mod(), v.version(), b("v" + v.value()), v.lease());
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
