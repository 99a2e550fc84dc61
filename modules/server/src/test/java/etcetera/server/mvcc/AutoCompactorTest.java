package etcetera.server.mvcc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;
import org.junit.jupiter.api.Test;

class AutoCompactorTest {

    /** A clock that moves only when the test moves it. */
    private static final class ManualClock implements InstantSource {
        private Instant now = Instant.parse("2024-01-01T00:00:00Z");
        private final Instant start = now;

        @Override
        public Instant instant() {
            return now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        long minutes() {
            return Duration.between(start, now).toMinutes();
        }
    }

    private final ManualClock clock = new ManualClock();
    /** (minute, revision) of every proposal. */
    private final List<List<Long>> proposals = new ArrayList<>();

    /** The store's revision grows by one per minute: revision = minutes since start + 1. */
    private AutoCompactor compactor(AutoCompaction policy, LongPredicate outcome) {
        return AutoCompactor.create(policy, clock, () -> clock.minutes() + 1, rev -> {
            proposals.add(List.of(clock.minutes(), rev));
            return outcome.test(rev);
        });
    }

    private void runFor(AutoCompactor compactor, Duration total) {
        Duration step = compactor.tickInterval();
        for (long n = total.dividedBy(step); n > 0; n--) {
            clock.advance(step);
            compactor.tick();
        }
    }

    @Test
    void hourlyPeriodicCompactsAfterTheFirstHourThenKeepsAtLeastAnHour() {
        AutoCompactor compactor = compactor(new AutoCompaction.Periodic(Duration.ofHours(1)), rev -> true);
        assertEquals(Duration.ofMinutes(6), compactor.tickInterval());
        runFor(compactor, Duration.ofMinutes(54));
        assertEquals(List.of(), proposals);
        runFor(compactor, Duration.ofMinutes(6));
        assertEquals(List.of(List.of(60L, 1L)), proposals, "at 60 min, the revision sampled at start");
        runFor(compactor, Duration.ofMinutes(120));
        assertEquals(List.of(List.of(60L, 1L), List.of(120L, 55L), List.of(180L, 115L)), proposals,
                "then every hour, at the oldest sample (66 minutes back)");
    }

    @Test
    void longRetentionWaitsTheWholeRetentionThenCompactsHourly() {
        AutoCompactor compactor = compactor(new AutoCompaction.Periodic(Duration.ofHours(2)), rev -> true);
        assertEquals(Duration.ofMinutes(6), compactor.tickInterval());
        runFor(compactor, Duration.ofMinutes(180));
        assertEquals(List.of(List.of(120L, 1L), List.of(180L, 55L)), proposals);
    }

    @Test
    void shortRetentionTicksAtATenthOfIt() {
        AutoCompactor compactor = compactor(new AutoCompaction.Periodic(Duration.ofMinutes(10)), rev -> true);
        assertEquals(Duration.ofMinutes(1), compactor.tickInterval());
        runFor(compactor, Duration.ofMinutes(30));
        assertEquals(List.of(List.of(10L, 1L), List.of(20L, 10L), List.of(30L, 20L)), proposals);
    }

    @Test
    void failedPeriodicCompactionIsRetriedAtTheNextTick() {
        AutoCompactor compactor = compactor(new AutoCompaction.Periodic(Duration.ofHours(1)), rev -> proposals.size() > 1);
        runFor(compactor, Duration.ofMinutes(72));
        assertEquals(List.of(List.of(60L, 1L), List.of(66L, 1L)), proposals);
    }

    @Test
    void pausedCompactorProposesNothingUntilResumed() {
        AutoCompactor compactor = compactor(new AutoCompaction.Periodic(Duration.ofHours(1)), rev -> true);
        compactor.pause();
        runFor(compactor, Duration.ofMinutes(90));
        assertEquals(List.of(), proposals);
        compactor.resume();
        runFor(compactor, Duration.ofMinutes(6));
        assertEquals(List.of(List.of(96L, 31L)), proposals, "oldest sample still in the window, 66 minutes back");
    }

    @Test
    void revisionModeKeepsTheLastNRevisionsEveryFiveMinutes() {
        long[] current = {5};
        AutoCompactor compactor = AutoCompactor.create(new AutoCompaction.ByRevision(10), clock, () -> current[0], rev -> {
            proposals.add(List.of(clock.minutes(), rev));
            return true;
        });
        assertEquals(Duration.ofMinutes(5), compactor.tickInterval());
        runFor(compactor, Duration.ofMinutes(5));
        assertEquals(List.of(), proposals, "5 - 10 is not a revision");
        current[0] = 30;
        runFor(compactor, Duration.ofMinutes(10));
        assertEquals(List.of(List.of(10L, 20L)), proposals, "the same revision is not proposed twice");
        current[0] = 31;
        runFor(compactor, Duration.ofMinutes(5));
        assertEquals(List.of(List.of(10L, 20L), List.of(20L, 21L)), proposals);
    }

    @Test
    void startTicksOnTheGivenScheduler() throws Exception {
        CompletableFuture<Long> proposed = new CompletableFuture<>();
        AutoCompactor compactor = AutoCompactor.create(new AutoCompaction.Periodic(Duration.ofMillis(50)),
                InstantSource.system(), () -> 42, rev -> proposed.complete(rev) || true);
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try (AutoCloseable running = compactor.start(scheduler)) {
            assertEquals(42L, proposed.get(10, TimeUnit.SECONDS));
        } finally {
            scheduler.shutdownNow();
        }
    }
}
