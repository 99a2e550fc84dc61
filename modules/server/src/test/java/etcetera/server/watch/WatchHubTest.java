package etcetera.server.watch;

import static etcetera.server.watch.HubFixture.FROM_KEY;
import static etcetera.server.watch.HubFixture.SINGLE;
import static etcetera.server.watch.HubFixture.b;
import static etcetera.server.watch.HubFixture.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import etcetera.server.mvcc.Event;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class WatchHubTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private HubFixture fx;

    @BeforeEach
    void open() {
        fx = new HubFixture(dir);
    }

    @AfterEach
    void close() {
        fx.close();
    }

    private TestSink watch(long id, WatchSpec spec, int capacity) {
        TestSink sink = new TestSink(fx.hub, capacity);
        fx.hub.watch(new Watcher(id, spec, sink));
        return sink;
    }

    private Watcher watcher(long id, WatchSpec spec, TestSink sink) {
        Watcher w = new Watcher(id, spec, sink);
        fx.hub.watch(w);
        return w;
    }

    /** "PUT key=value@rev" / "DELETE key@rev" lines of every event taken, in order. */
    private static List<String> lines(List<WatchUpdate> updates) {
        List<String> out = new ArrayList<>();
        for (WatchUpdate u : updates) {
            if (u instanceof WatchUpdate.Events e) {
                for (Event ev : e.events()) {
                    out.add(line(ev));
                }
            }
        }
        return out;
    }

    private static String line(Event ev) {
        String prev = ev.prevKv().map(p -> " prev=" + s(p.value())).orElse("");
        return ev.type() == Event.Type.PUT
                ? "PUT " + s(ev.kv().key()) + "=" + s(ev.kv().value()) + "@" + ev.kv().modRevision() + prev
                : "DELETE " + s(ev.kv().key()) + "@" + ev.kv().modRevision() + prev;
    }

    private static Predicate<List<WatchUpdate>> events(int n) {
        return updates -> lines(updates).size() >= n;
    }

    /** Registers a watcher and waits until the hub has it (a progress answer comes after the registration). */
    private void settle() throws Exception {
        TestSink probe = new TestSink(fx.hub, 1);
        fx.hub.requestStreamProgress(probe);
        probe.takeUntil(u -> !u.isEmpty(), WAIT);
    }

    @Test
    void syncedWatcherGetsEachLiveEventOfItsKeyInOrder() throws Exception {
        TestSink sink = watch(1, WatchSpec.of(b("foo"), SINGLE, 0), 100);
        settle();
        fx.putAndCommit("foo", "1");
        fx.putAndCommit("bar", "x");
        fx.put("foo", "2");
        fx.put("foo", "3");
        fx.commit();
        fx.delete("foo", SINGLE);
        fx.commit();
        List<WatchUpdate> got = sink.takeUntil(events(4), WAIT);
        assertEquals(List.of("PUT foo=1@2", "PUT foo=2@4 prev=1", "PUT foo=3@5 prev=2", "DELETE foo@6 prev=3"), lines(got));
        // One update per revision, each reporting its own revision.
        assertEquals(List.of(2L, 4L, 5L, 6L), got.stream().map(u -> ((WatchUpdate.Events) u).revision()).toList());
    }

    @Test
    void pastStartRevisionReplaysHistoryThenFollowsLiveChangesWithoutGapOrDuplicate() throws Exception {
        for (int i = 0; i < 20; i++) {
            fx.putAndCommit("k" + (i % 3), "v" + i);
        }
        TestSink sink = watch(1, WatchSpec.of(b("k1"), SINGLE, 5), 100);
        // Live writes race with the catch-up.
        for (int i = 20; i < 40; i++) {
            fx.putAndCommit("k" + (i % 3), "v" + i);
        }
        List<String> expected = new ArrayList<>();
        for (Event ev : fx.history) {
            if (s(ev.kv().key()).equals("k1") && ev.kv().modRevision() >= 5) {
                expected.add(line(ev).replaceAll(" prev=.*", ""));
            }
        }
        List<WatchUpdate> got = sink.takeUntil(events(expected.size()), WAIT);
        assertEquals(expected, lines(got).stream().map(l -> l.replaceAll(" prev=.*", "")).toList());
    }

    @Test
    void prefixRangeAndAllKeysWatchersSeeExactlyTheirKeys() throws Exception {
        TestSink prefix = watch(1, WatchSpec.of(b("a/"), b("a0"), 0), 100);
        TestSink range = watch(2, WatchSpec.of(b("a/b"), b("a/d"), 0), 100);
        TestSink all = watch(3, WatchSpec.of(new byte[] {0}, FROM_KEY, 0), 100);
        TestSink fromB = watch(4, WatchSpec.of(b("b"), FROM_KEY, 0), 100);
        settle();
        for (String k : List.of("a/a", "a/b", "a/c", "a/d", "a0", "b", "c")) {
            fx.putAndCommit(k, "v");
        }
        assertEquals(List.of("a/a", "a/b", "a/c", "a/d"), keys(prefix.takeUntil(events(4), WAIT)));
        assertEquals(List.of("a/b", "a/c"), keys(range.takeUntil(events(2), WAIT)));
        assertEquals(List.of("a/a", "a/b", "a/c", "a/d", "a0", "b", "c"), keys(all.takeUntil(events(7), WAIT)));
        assertEquals(List.of("b", "c"), keys(fromB.takeUntil(events(2), WAIT)));
    }

    private static List<String> keys(List<WatchUpdate> updates) {
        return lines(updates).stream().map(l -> l.split(" ")[1].split("[=@]")[0]).toList();
    }

    @Test
    void filtersLeaveOutPutsOrDeletesAndEmptyResponsesAreNotSent() throws Exception {
        TestSink noPut = watch(1, new WatchSpec(b("k"), SINGLE, 0, true, false, false, false, false), 100);
        TestSink noDelete = watch(2, new WatchSpec(b("k"), SINGLE, 0, false, true, false, false, false), 100);
        settle();
        fx.putAndCommit("k", "1");
        fx.delete("k", SINGLE);
        fx.commit();
        fx.putAndCommit("k", "2");
        assertEquals(List.of("DELETE k@3 prev=1"), lines(noPut.takeUntil(events(1), WAIT)));
        assertEquals(List.of("PUT k=1@2", "PUT k=2@4"), lines(noDelete.takeUntil(events(2), WAIT)));
        assertEquals(1, noPut.taken().size());
    }

    @Test
    void replayedHistoryCarriesPreviousVersionsWhenAsked() throws Exception {
        fx.putAndCommit("k", "1");
        fx.putAndCommit("k", "2");
        fx.delete("k", SINGLE);
        fx.commit();
        fx.putAndCommit("k", "3");
        TestSink sink = watch(1, WatchSpec.of(b("k"), SINGLE, 2).withPrevKv(), 100);
        assertEquals(List.of("PUT k=1@2", "PUT k=2@3 prev=1", "DELETE k@4 prev=2", "PUT k=3@5"),
                lines(sink.takeUntil(events(4), WAIT)));
    }

    @Test
    void watcherBehindTheCompactionIsToldAndRemoved() throws Exception {
        for (int i = 0; i < 10; i++) {
            fx.putAndCommit("k", "v" + i);
        }
        fx.compact(6);
        TestSink atCompaction = watch(1, WatchSpec.of(b("k"), SINGLE, 6), 100);
        TestSink before = watch(2, WatchSpec.of(b("k"), SINGLE, 5), 100);
        List<WatchUpdate> got = before.takeUntil(u -> !u.isEmpty(), WAIT);
        assertEquals(List.of(new WatchUpdate.Compacted(((WatchUpdate.Compacted) got.getFirst()).watcher(), 6)), got);
        assertEquals(List.of("PUT k=v4@6", "PUT k=v5@7", "PUT k=v6@8", "PUT k=v7@9", "PUT k=v8@10", "PUT k=v9@11"),
                lines(atCompaction.takeUntil(events(6), WAIT)));
        fx.putAndCommit("k", "after");
        atCompaction.takeUntil(events(7), WAIT);
        assertEquals(1, before.taken().size(), "a compacted watcher gets nothing more");
    }

    @Test
    void watcherWithAFullBufferCatchesUpFromTheStoreWithoutLosingOrRepeatingEvents() throws Exception {
        TestSink slow = watch(1, WatchSpec.of(b("k"), SINGLE, 0), 2);
        settle();
        for (int i = 0; i < 50; i++) {
            fx.putAndCommit("k", "v" + i);
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            expected.add("PUT k=v" + i + "@" + (i + 2));
        }
        List<String> got = lines(slow.takeUntil(events(50), WAIT)).stream().map(l -> l.replaceAll(" prev=.*", "")).toList();
        assertEquals(expected, got);
    }

    @Test
    void overflowingTheHubInputDropsNothingAWatcherSees() throws Exception {
        fx.close();
        fx = new HubFixture(dir.resolve("small"), WatchOptions.defaults().withSyncInterval(Duration.ofMillis(10)).withMaxPendingBytes(1000));
        TestSink sink = watch(1, WatchSpec.of(b("k"), FROM_KEY, 0), 1000);
        settle();
        for (int i = 0; i < 300; i++) {
            fx.put("k" + (i % 7), "value-" + i);
            if (i % 5 == 4) {
                fx.commit();
            }
        }
        fx.commit();
        List<String> got = lines(sink.takeUntil(events(300), WAIT)).stream().map(l -> l.replaceAll(" prev=.*", "")).toList();
        assertEquals(fx.history.stream().map(e -> line(e).replaceAll(" prev=.*", "")).toList(), got);
    }

    @Test
    void progressIsReportedForSyncedWatchersOnly() throws Exception {
        fx.putAndCommit("k", "1");
        TestSink syncedSink = new TestSink(fx.hub, 10);
        Watcher synced = watcher(1, WatchSpec.of(b("k"), SINGLE, 0), syncedSink);
        // Behind and unable to catch up: its buffer has no room.
        TestSink stuckSink = new TestSink(fx.hub, 0);
        Watcher stuck = watcher(2, WatchSpec.of(b("k"), SINGLE, 1), stuckSink);
        settle();
        fx.hub.requestProgress(synced);
        fx.hub.requestProgress(stuck);
        settle();
        assertEquals(List.of(new WatchUpdate.Progress(synced, 2)), syncedSink.takeUntil(u -> !u.isEmpty(), WAIT));
        assertEquals(List.of(), stuckSink.takeAll());
    }

    @Test
    void canceledWatcherGetsNothingMore() throws Exception {
        TestSink sink = new TestSink(fx.hub, 10);
        Watcher w = watcher(1, WatchSpec.of(b("k"), SINGLE, 0), sink);
        settle();
        fx.putAndCommit("k", "1");
        sink.takeUntil(events(1), WAIT);
        fx.hub.cancel(w);
        settle();
        fx.putAndCommit("k", "2");
        settle();
        assertEquals(List.of("PUT k=1@2"), lines(sink.takeAll().isEmpty() ? sink.taken() : List.of()));
    }
}
