package etcetera.server.mvcc;

import java.util.List;

/**
 * The answer to a range.
 *
 * @param kvs the matching versions in ascending key order, at most {@code limit} of them;
 *     empty for a count-only range
 * @param count how many keys matched in all, regardless of the limit
 * @param revision the revision of the view that answered (as etcd, the view's current
 *     revision, not the historical revision that was asked for)
 */
public record RangeResult(List<KeyValue> kvs, long count, long revision) {

    public RangeResult {
        kvs = List.copyOf(kvs);
    }

    /** Whether there were more matches than the limit let through. */
    public boolean more() {
        return count > kvs.size();
    }
}
