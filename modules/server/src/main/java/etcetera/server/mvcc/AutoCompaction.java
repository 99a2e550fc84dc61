package etcetera.server.mvcc;

import java.time.Duration;

/**
 * The automatic compaction policy, from etcd's {@code --auto-compaction-mode} and
 * {@code --auto-compaction-retention} (parsed once, in the server's configuration). Immutable.
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
}
