package etcetera.server.watch;

import static etcetera.server.watch.HubFixture.FROM_KEY;
import static etcetera.server.watch.HubFixture.SINGLE;
import static etcetera.server.watch.HubFixture.b;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import etcetera.server.mvcc.Event;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Random histories of puts, deletes, batch commits and compactions, with watchers created at
 * random start revisions (past, present, future) over single keys, ranges and all keys, with
 * filters and buffers from one update to plenty, read by their clients at random moments; the
 * hub's input is sometimes tiny (it overflows) and its catch-up window sometimes three
 * revisions. Every watcher must end up with exactly the events of its range from its start
 * revision, in order, each once — or, if it fell behind a compaction, a prefix of them and the
 * compaction notice. jqwik prints the seed of a failing run; replay it with
 * {@code @Property(seed = "...")}.
 */
class WatchHubModelTest {

    private static final int KEYS = 5;
    private static final Duration WAIT = Duration.ofSeconds(20);

    sealed interface Op permits Put, Delete, Commit, Compact, Watch, Read {
    }

    record Put(int key, int value) implements Op {
    }

    /** Deletes {@code k<key>} alone if {@code end < 0}, else {@code [k<key>, k<end>)}. */
    record Delete(int key, int end) implements Op {
    }

    record Commit() implements Op {
    }

    /** Compacts at a revision chosen between the last compaction and the current one. */
    record Compact(int choice) implements Op {
    }

    /**
     * @param start how far from the current revision the watch starts: negative into the past,
     *     1 now, more into the future
     * @param range 0: one key, 1: [k1, k3), 2: every key
     */
    record Watch(int key, int range, int start, int capacity, boolean noPut, boolean noDelete, boolean prevKv) implements Op {
    }

    /** The client of watcher number {@code watcher} (mod the watchers created) reads its buffer. */
    record Read(int watcher) implements Op {
    }

    @Provide
    Arbitrary<List<Op>> histories() {
        Arbitrary<Op> put = Combinators.combine(Arbitraries.integers().between(0, KEYS - 1), Arbitraries.integers().between(0, 99))
                .as(Put::new);
        Arbitrary<Op> delete = Combinators.combine(Arbitraries.integers().between(0, KEYS - 1), Arbitraries.integers().between(-3, KEYS))
                .as(Delete::new);
        Arbitrary<Op> watch = Combinators.combine(Arbitraries.integers().between(0, KEYS - 1), Arbitraries.integers().between(0, 2),
                Arbitraries.integers().between(-15, 3), Arbitraries.of(1, 2, 3, 1000), Arbitraries.of(false, false, true),
                Arbitraries.of(false, false, true), Arbitraries.of(false, true)).as(Watch::new);
        Arbitrary<Op> op = Arbitraries.frequencyOf(
                Tuple.of(8, put),
                Tuple.of(3, delete),
                Tuple.of(5, Arbitraries.just(new Commit())),
                Tuple.of(1, Arbitraries.integers().between(0, 99).map(Compact::new)),
                Tuple.of(3, watch),
                Tuple.of(3, Arbitraries.integers().between(0, 99).map(Read::new)));
        return op.list().ofMinSize(5).ofMaxSize(80);
    }

    private record Watched(Watcher watcher, TestSink sink, long start) {
    }

    @Property(tries = 40)
    void everyWatcherGetsExactlyItsEventsInOrder(@ForAll("histories") List<Op> ops, @ForAll boolean tinyInput,
            @ForAll boolean smallWindow) throws Exception {
        Path dir = Files.createTempDirectory("watch-model");
        WatchOptions options = WatchOptions.defaults().withSyncInterval(Duration.ofMillis(5));
        options = tinyInput ? options.withMaxPendingBytes(400) : options;
        options = smallWindow ? options.withCatchUpRevisions(3) : options;
        List<Watched> watched = new ArrayList<>();
        long compactedAt = -1;
        try (HubFixture fx = new HubFixture(dir, options)) {
            for (Op op : ops) {
                switch (op) {
                    case Put p -> fx.put("k" + p.key(), "v" + p.value());
                    case Delete d -> fx.delete("k" + d.key(), d.end() < 0 ? SINGLE : b("k" + Math.max(d.end(), d.key() + 1)));
                    case Commit c -> fx.commit();
                    case Compact c -> {
                        fx.commit();
                        long current = fx.store.currentRevision();
                        long from = Math.max(1, compactedAt + 1);
                        if (from <= current) {
                            long at = from + c.choice() % (current - from + 1);
                            fx.compact(at);
                            compactedAt = at;
                        }
                    }
                    case Watch w -> {
                        byte[] key = w.range() == 2 ? new byte[] {0} : b(w.range() == 1 ? "k1" : "k" + w.key());
                        byte[] end = switch (w.range()) {
                            case 0 -> SINGLE;
                            case 1 -> b("k3");
                            default -> FROM_KEY;
                        };
                        long start = Math.max(1, fx.store.currentRevision() + w.start());
                        TestSink sink = new TestSink(fx.hub, w.capacity());
                        Watcher watcher = new Watcher(watched.size(), new WatchSpec(key, end, start, w.noPut(), w.noDelete(),
                                w.prevKv(), false, false), sink);
                        fx.hub.watch(watcher);
                        watched.add(new Watched(watcher, sink, start));
                    }
                    case Read r -> {
                        if (!watched.isEmpty()) {
                            watched.get(r.watcher() % watched.size()).sink().takeAll();
                        }
                    }
                }
            }
            fx.commit();
            long finalCompaction = compactedAt;
            for (Watched w : watched) {
                List<Event> expected = fx.history.stream()
                        .filter(e -> e.kv().modRevision() >= w.start() && w.watcher().wants(e)).toList();
                List<WatchUpdate> updates = w.sink().takeUntil(
                        u -> received(u).size() >= expected.size() || u.stream().anyMatch(x -> x instanceof WatchUpdate.Compacted), WAIT);
                // A short grace period: anything extra (a duplicate) would show up.
                Thread.sleep(2);
                updates = new ArrayList<>(updates);
                updates.addAll(w.sink().takeAll());
                check(w, expected, updates, finalCompaction);
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static List<Event> received(List<WatchUpdate> updates) {
        List<Event> events = new ArrayList<>();
        for (WatchUpdate u : updates) {
            if (u instanceof WatchUpdate.Events e) {
                events.addAll(e.events());
            }
        }
        return events;
    }

    private static void check(Watched w, List<Event> expected, List<WatchUpdate> updates, long finalCompaction) {
        List<Event> got = received(updates);
        String what = w.watcher() + " start=" + w.start();
        boolean compacted = !updates.isEmpty() && updates.getLast() instanceof WatchUpdate.Compacted;
        if (compacted) {
            assertTrue(got.size() <= expected.size(), what + " got more than expected");
            long compactRevision = ((WatchUpdate.Compacted) updates.getLast()).compactRevision();
            assertTrue(compactRevision <= finalCompaction, what);
            if (got.size() < expected.size()) {
                assertTrue(expected.get(got.size()).kv().modRevision() >= w.start(), what);
            }
        } else {
            assertEquals(expected.size(), got.size(), what + " events " + got);
        }
        for (int i = 0; i < got.size(); i++) {
            Event want = expected.get(i);
            Event have = got.get(i);
            assertEquals(want.type(), have.type(), what + " event " + i);
            assertEquals(want.kv(), have.kv(), what + " event " + i);
            if (w.watcher().spec().prevKv() && have.prevKv().isPresent()) {
                assertEquals(want.prevKv(), have.prevKv(), what + " prevKv of event " + i);
            } else if (w.watcher().spec().prevKv() && want.prevKv().isPresent()) {
                assertTrue(want.kv().modRevision() - 1 < finalCompaction, what + " lost the prevKv of event " + i);
            }
        }
        long last = 0;
        for (WatchUpdate u : updates) {
            if (u instanceof WatchUpdate.Events e) {
                assertTrue(e.events().getFirst().kv().modRevision() > last, what + " out of order");
                last = e.events().getLast().kv().modRevision();
            }
        }
    }
}
