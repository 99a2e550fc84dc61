package etcetera.server.lease;

import com.google.protobuf.ByteString;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One lease as the {@link Lessor} holds it. The TTL and the attached keys are replicated
 * state, changed only on the apply thread; the expiry is the primary's local clock, changed
 * by keep-alives (request threads) and promotion (node thread), hence volatile.
 */
final class Lease {

    /** The expiry of a lease on a member that is not primary: it never expires there. */
    static final long FOREVER = Long.MAX_VALUE;

    final long id;
    final long ttlSeconds;
    /** The remaining TTL last checkpointed through the log; 0 when none was. */
    volatile long checkpointedSeconds;
    /** {@link System#nanoTime()}-based deadline, or {@link #FOREVER}. */
    volatile long expiryNanos = FOREVER;
    final Set<ByteString> keys = ConcurrentHashMap.newKeySet();
    /** Completes once the revoke of this lease is applied (renewals of an expired lease wait for it). */
    final CompletableFuture<Void> revoked = new CompletableFuture<>();

    Lease(long id, long ttlSeconds, long checkpointedSeconds) {
        this.id = id;
        this.ttlSeconds = ttlSeconds;
        this.checkpointedSeconds = checkpointedSeconds;
    }

    /** The TTL a refresh starts from: the checkpointed remainder if one was recorded. */
    long refreshSeconds() {
        long checkpointed = checkpointedSeconds;
        return checkpointed > 0 ? checkpointed : ttlSeconds;
    }

    void refresh(long nowNanos, long extendNanos) {
        expiryNanos = nowNanos + extendNanos + refreshSeconds() * 1_000_000_000L;
    }

    boolean expired(long nowNanos) {
        long expiry = expiryNanos;
        return expiry != FOREVER && expiry - nowNanos <= 0;
    }

    /** Nanoseconds left, {@link Long#MAX_VALUE} if it does not expire here. */
    long remainingNanos(long nowNanos) {
        long expiry = expiryNanos;
        return expiry == FOREVER ? Long.MAX_VALUE : expiry - nowNanos;
    }
}
