package etcetera.server.mvcc;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Decides when to compact and at which revision, following etcd's auto-compaction:
 *
 * <ul>
 *   <li><b>periodic</b> (retention P): samples the current revision every
 *       {@code min(P, 1h) / 10}, keeping the samples of the last P; once P has passed since the
 *       start (then every {@code min(P, 1h)} after a success) it compacts at the oldest sample,
 *       so at least P of history stays. A failure is retried at the next sample.</li>
 *   <li><b>revision</b> (retention N): every five minutes compacts at {@code current - N},
 *       unless that is not positive or was already done.</li>
 * </ul>
 *
 * <p>It is a passive state machine: its owner calls {@link #tick()} every
 * {@link #tickInterval()} on one thread (or lets {@link #start} do it on a scheduler), and time
 * is read from the given {@link InstantSource}. It proposes a compaction through the caller's
 * {@link Proposer} (the server sends it through the replicated log; only the leader's
 * compactor should run: {@link #pause()} it on followers).
 */
public final class AutoCompactor {

    /** How a compaction is requested. */
    @FunctionalInterface
    public interface Proposer {
        /**
         * Compacts at {@code revision}; may block until it is applied.
         *
         * @return true if it was done or the revision was already compacted; false to retry later
         */
        boolean compact(long revision);
    }

    /** How often the revision mode looks at the current revision (etcd: five minutes). */
    static final Duration REVISION_CHECK_INTERVAL = Duration.ofMinutes(5);

    private static final System.Logger LOG = System.getLogger("etcetera.server.mvcc");
    private static final Duration HOUR = Duration.ofHours(1);

    private final AutoCompaction policy;
    private final InstantSource clock;
    private final LongSupplier currentRevision;
    private final Proposer proposer;
    private volatile boolean paused;

    // Owned by the ticking thread.
    private final ArrayDeque<Long> samples = new ArrayDeque<>();
    private Instant lastSuccess;
    private Duration wait;
    private long lastCompacted;

    private AutoCompactor(AutoCompaction policy, InstantSource clock, LongSupplier currentRevision, Proposer proposer) {
        this.policy = policy;
        this.clock = clock;
        this.currentRevision = currentRevision;
        this.proposer = proposer;
        if (policy instanceof AutoCompaction.Periodic periodic) {
            lastSuccess = clock.instant();
            wait = periodic.retention();
            samples.add(currentRevision.getAsLong());
        }
    }

    /**
     * A compactor for {@code policy}, starting now: a periodic one takes its first sample of
     * {@code currentRevision} here.
     *
     * @throws IllegalArgumentException for {@link AutoCompaction.Disabled}
     */
    public static AutoCompactor create(AutoCompaction policy, InstantSource clock, LongSupplier currentRevision,
            Proposer proposer) {
        if (policy instanceof AutoCompaction.Disabled) {
            throw new IllegalArgumentException("auto compaction is disabled");
        }
        return new AutoCompactor(policy, clock, currentRevision, proposer);
    }

    /** How often {@link #tick()} must be called. */
    public Duration tickInterval() {
        return switch (policy) {
            case AutoCompaction.Periodic p -> compactInterval(p).dividedBy(10);
            case AutoCompaction.ByRevision _ -> REVISION_CHECK_INTERVAL;
            case AutoCompaction.Disabled _ -> throw new IllegalStateException("disabled");
        };
    }

    private static Duration compactInterval(AutoCompaction.Periodic p) {
        return p.retention().compareTo(HOUR) > 0 ? HOUR : p.retention();
    }

    /** Stops proposing compactions until {@link #resume()}; samples are still taken. Any thread. */
    public void pause() {
        paused = true;
    }

    /** Proposes compactions again. Any thread. */
    public void resume() {
        paused = false;
    }

    /** One step, at {@link #tickInterval()} after the previous one. */
    public void tick() {
        switch (policy) {
            case AutoCompaction.Periodic p -> periodicTick(p);
            case AutoCompaction.ByRevision r -> revisionTick(r);
            case AutoCompaction.Disabled _ -> throw new IllegalStateException("disabled");
        }
    }

    private void periodicTick(AutoCompaction.Periodic p) {
        try {
            if (paused) {
                return;
            }
            Instant now = clock.instant();
            if (Duration.between(lastSuccess, now).compareTo(wait) < 0) {
                return;
            }
            wait = compactInterval(p); // after the first full retention, compact once per interval
            long revision = samples.getFirst();
            if (propose(revision)) {
                lastSuccess = now;
            }
        } finally {
            samples.addLast(currentRevision.getAsLong());
            long retained = p.retention().toNanos() / tickInterval().toNanos() + 1;
            while (samples.size() > retained) {
                samples.removeFirst();
            }
        }
    }

    private void revisionTick(AutoCompaction.ByRevision r) {
        if (paused) {
            return;
        }
        long revision = currentRevision.getAsLong() - r.retention();
        if (revision <= 0 || revision == lastCompacted) {
            return;
        }
        if (propose(revision)) {
            lastCompacted = revision;
        }
    }

    private boolean propose(long revision) {
        boolean done;
        try {
            done = proposer.compact(revision);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "mvcc: auto compaction failed revision=" + revision + " policy=" + policy
                    + "; retrying at the next tick", e);
            return false;
        }
        if (done) {
            LOG.log(Level.INFO, "mvcc: auto compaction done revision={0} policy={1}", revision, policy);
        } else {
            LOG.log(Level.WARNING, "mvcc: auto compaction not done revision={0} policy={1}; retrying at the next tick",
                    revision, policy);
        }
        return done;
    }

    /**
     * Ticks on {@code scheduler} every {@link #tickInterval()} until the returned handle is closed.
     */
    public AutoCloseable start(ScheduledExecutorService scheduler) {
        long every = tickInterval().toNanos();
        ScheduledFuture<?> ticking = scheduler.scheduleWithFixedDelay(() -> {
            try {
                tick();
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "mvcc: auto compactor tick failed", e);
            }
        }, every, every, TimeUnit.NANOSECONDS);
        return () -> ticking.cancel(false);
    }
}
