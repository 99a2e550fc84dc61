package etcetera.server.lease;

import java.time.Duration;

/**
 * How a {@link Lessor} behaves, every default written once here.
 *
 * @param minTtlSeconds a lease granted with a shorter TTL gets this one: a lease must outlive a
 *     leader election, or it could expire merely because leadership moved
 * @param revokeBatch at most this many expired leases are revoked per check, so that a pile of
 *     expiries cannot flood the log (etcd revokes up to 500 per half second)
 * @param checkInterval how often the primary looks for expired leases
 * @param revokeRetry when an expired lease is still there this long after its revoke was
 *     proposed (the proposal was lost, e.g. to a leader change), it is proposed again
 */
public record LessorOptions(long minTtlSeconds, int revokeBatch, Duration checkInterval, Duration revokeRetry) {

    /** The largest TTL a lease may have, in seconds (etcd's limit). */
    public static final long MAX_TTL_SECONDS = 9_000_000_000L;

    public LessorOptions {
        if (minTtlSeconds < 1 || revokeBatch < 1 || checkInterval.isNegative() || checkInterval.isZero()
                || revokeRetry.isNegative() || revokeRetry.isZero()) {
            throw new IllegalArgumentException("invalid lessor options: minTtlSeconds=" + minTtlSeconds + " revokeBatch="
                    + revokeBatch + " checkInterval=" + checkInterval + " revokeRetry=" + revokeRetry);
        }
    }

    /**
     * The options etcd derives from the Raft timing: the minimum TTL is one and a half election
     * timeouts, {@code ceil(((3 * electionTicks) / 2) * heartbeat)} in seconds (integer
     * division, as etcd computes it), so 2 s with the default 100 ms heartbeat and 10 ticks.
     */
    public static LessorOptions forRaft(int electionTicks, Duration heartbeat) {
        long minTtlMillis = (3L * electionTicks / 2) * heartbeat.toMillis();
        long minTtl = Math.max(1, (minTtlMillis + 999) / 1000);
        return new LessorOptions(minTtl, 500, Duration.ofMillis(500), Duration.ofSeconds(3));
    }
}
