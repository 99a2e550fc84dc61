package etcetera.server.watch;

import java.util.Arrays;

/**
 * What a client asked to watch, in the store's terms.
 *
 * @param key the first key of the range, or the only key
 * @param rangeEnd as in a range request: empty for {@code key} alone, {@code {0}} for every key
 *     from {@code key} on, otherwise the exclusive end of {@code [key, rangeEnd)}
 * @param startRevision the first revision whose changes are wanted; the hub treats
 *     {@code 0} as "after the last revision it has handed out"
 * @param noPut leave out PUT events (etcd's NOPUT filter)
 * @param noDelete leave out DELETE events (etcd's NODELETE filter)
 * @param prevKv the events should carry the version each change replaced
 * @param progressNotify the client wants periodic progress notifications
 * @param fragment the client accepts a large batch of events split over several responses
 */
public record WatchSpec(byte[] key, byte[] rangeEnd, long startRevision, boolean noPut, boolean noDelete,
        boolean prevKv, boolean progressNotify, boolean fragment) {

    /** A watch on one key or range from {@code startRevision}, with no filter or option. */
    public static WatchSpec of(byte[] key, byte[] rangeEnd, long startRevision) {
        return new WatchSpec(key, rangeEnd, startRevision, false, false, false, false, false);
    }

    /** The same watch with {@code prev_kv} set. */
    public WatchSpec withPrevKv() {
        return new WatchSpec(key, rangeEnd, startRevision, noPut, noDelete, true, progressNotify, fragment);
    }

    /** Whether the range is empty (etcd refuses such a watch): {@code key >= rangeEnd} for a proper range. */
    public boolean emptyRange() {
        return isProperRange() && Arrays.compareUnsigned(key, rangeEnd) >= 0;
    }

    /** Whether {@code k} is in the watched range. */
    public boolean contains(byte[] k) {
        if (rangeEnd.length == 0) {
            return Arrays.equals(key, k);
        }
        if (Arrays.compareUnsigned(k, key) < 0) {
            return false;
        }
        return !isProperRange() || Arrays.compareUnsigned(k, rangeEnd) < 0;
    }

    /** Whether this watches a range rather than a single key. */
    boolean isRange() {
        return rangeEnd.length != 0;
    }

    private boolean isProperRange() {
        return rangeEnd.length != 0 && !(rangeEnd.length == 1 && rangeEnd[0] == 0);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WatchSpec w && Arrays.equals(key, w.key) && Arrays.equals(rangeEnd, w.rangeEnd)
                && startRevision == w.startRevision && noPut == w.noPut && noDelete == w.noDelete
                && prevKv == w.prevKv && progressNotify == w.progressNotify && fragment == w.fragment;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(key) + Arrays.hashCode(rangeEnd);
    }

    @Override
    public String toString() {
        return "WatchSpec[key=" + Arrays.toString(key) + ", rangeEnd=" + Arrays.toString(rangeEnd)
                + ", startRevision=" + startRevision + "]";
    }
}
