package etcetera.server.mvcc;

import java.time.Duration;

/**
 * The automatic compaction policy, from etcd's {@code --auto-compaction-mode} and
 * {@code --auto-compaction-retention}. Immutable.
 */
public sealed interface AutoCompaction {

    /** No automatic compaction (retention {@code 0}, etcd's default). */
    record Disabled() implements AutoCompaction {
    }

    /** Keep at least {@code retention} of history, compacting about every min(retention, 1h). */
    record Periodic(Duration retention) implements AutoCompaction {
        public Periodic {
            if (retention.toNanos() < 10) {
                throw new IllegalArgumentException("periodic compaction retention must be at least 10ns, was " + retention);
            }
        }
    }

    /** Keep the last {@code retention} revisions, checking every five minutes. */
    record ByRevision(long retention) implements AutoCompaction {
        public ByRevision {
            if (retention <= 0) {
                throw new IllegalArgumentException("revision compaction retention must be > 0, was " + retention);
            }
        }
    }

    /**
     * Reads the two flags as etcd does: a non-negative integer retention is hours in
     * {@code periodic} mode and revisions in {@code revision} mode; otherwise it is a Go
     * duration ({@code "30m"}, {@code "1h30m"}), which only {@code periodic} mode accepts here.
     * An empty mode is {@code periodic} (the flag's default), an empty retention {@code "0"}.
     *
     * @throws IllegalArgumentException with etcd's message for a bad mode or retention
     */
    static AutoCompaction parse(String mode, String retention) {
        String m = mode.isEmpty() ? "periodic" : mode;
        if (!m.equals("periodic") && !m.equals("revision")) {
            throw new IllegalArgumentException("unsupported compaction mode " + mode);
        }
        String r = retention.isEmpty() ? "0" : retention;
        Long integer = parseNonNegative(r);
        if (integer != null) {
            if (integer == 0) {
                return new Disabled();
            }
            return m.equals("revision") ? new ByRevision(integer) : new Periodic(Duration.ofHours(integer));
        }
        Duration duration;
        try {
            duration = GoDuration.parse(r);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("error parsing CompactionRetention: " + e.getMessage(), e);
        }
        if (m.equals("revision")) {
            throw new IllegalArgumentException("error parsing CompactionRetention: revision mode needs a number of revisions, got \""
                    + retention + "\"");
        }
        if (duration.isZero()) {
            return new Disabled();
        }
        if (duration.isNegative()) {
            throw new IllegalArgumentException("error parsing CompactionRetention: negative retention \"" + retention + "\"");
        }
        return new Periodic(duration);
    }

    private static Long parseNonNegative(String s) {
        try {
            long value = Long.parseLong(s);
            return value >= 0 ? value : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
