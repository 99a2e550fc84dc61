package etcetera.raft;

/**
 * The last indexes of the {@link Message.Append}s sent to one follower and not yet
 * acknowledged, in sending order: a bounded window that throttles a replicating follower.
 * Owned by the {@link Raft} that owns the follower's {@link Progress}.
 */
final class Inflights {

    private final long[] ring;
    private int start;
    private int count;

    Inflights(int capacity) {
        this.ring = new long[capacity];
    }

    boolean full() {
        return count == ring.length;
    }

    int count() {
        return count;
    }

    void add(long lastIndex) {
        if (full()) {
            throw new IllegalStateException("inflight window full");
        }
        ring[(start + count) % ring.length] = lastIndex;
        count++;
    }

    /** Frees every in-flight append whose last index is at most {@code index}. */
    void freeLE(long index) {
        while (count > 0 && ring[start] <= index) {
            start = (start + 1) % ring.length;
            count--;
        }
    }

    void freeFirstOne() {
        if (count > 0) {
            start = (start + 1) % ring.length;
            count--;
        }
    }

    void reset() {
        start = 0;
        count = 0;
    }
}
