package etcetera.server.node;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Unique request ids, as etcd makes them: the low 16 bits of the member ID, then a
 * timestamp in milliseconds, then a counter, so ids stay unique across restarts of a member
 * and between members. Thread-safe.
 */
public final class RequestIds {

    private final AtomicLong next;

    public RequestIds(long memberId, long nowMillis) {
        long prefix = (memberId & 0xFFFFL) << 48;
        long suffix = (nowMillis & 0xFF_FFFF_FFFFL) << 8;
        this.next = new AtomicLong(prefix | suffix);
    }

    /** The next id; never 0. */
    public long next() {
        long id = next.incrementAndGet();
        return id == 0 ? next.incrementAndGet() : id;
    }
}
