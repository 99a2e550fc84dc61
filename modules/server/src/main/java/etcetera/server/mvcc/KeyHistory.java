package etcetera.server.mvcc;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The revisions at which one key changed, grouped into generations: a generation runs from
 * the put that creates the key to the delete (tombstone) that ends it; a key deleted and put
 * again starts a new generation. The last generation is open (no tombstone yet) and empty
 * while the key is deleted.
 *
 * <p>Not thread-safe: {@link KeyIndex} guards every instance with its lock.
 */
final class KeyHistory {

    /** What the index knows of a key's version at some revision. */
    record Found(Revision modified, long createRevision, long version) {
    }

    final byte[] key;
    private final List<Generation> generations = new ArrayList<>(1);

    KeyHistory(byte[] key) {
        this.key = key;
        generations.add(new Generation());
    }

    /** A history rebuilt from the first surviving record of a key (earlier ones may be compacted away). */
    static KeyHistory restored(byte[] key, Revision modified, long createRevision, long version) {
        KeyHistory history = new KeyHistory(key);
        Generation g = history.open();
        g.created = createRevision;
        g.append(modified);
        g.version = version;
        return history;
    }

    private Generation open() {
        return generations.getLast();
    }

    /**
     * Records a put at {@code rev}, which must be newer than every revision recorded so far.
     *
     * @return the version the put replaces, or {@code null} if it creates the key
     */
    Found put(Revision rev) {
        Generation g = open();
        Revision last = lastRevision();
        if (last != null && rev.compareTo(last) <= 0) {
            throw new IllegalStateException("revision " + rev + " is not after the key's last revision " + last);
        }
        Found previous = null;
        if (g.size == 0) {
            g.created = rev.main();
        } else {
            previous = new Found(g.revision(g.size - 1), g.created, g.version);
        }
        g.append(rev);
        return previous;
    }

    /** Records a delete at {@code rev}; returns false (recording nothing) if the key is not live. */
    boolean tombstone(Revision rev) {
        if (open().size == 0) {
            return false;
        }
        put(rev);
        generations.add(new Generation());
        return true;
    }

    /** Whether the key exists now (its open generation has revisions). */
    boolean isLive() {
        return open().size > 0;
    }

    /** Whether nothing is left: the key was deleted and every generation compacted away. */
    boolean isEmpty() {
        return generations.size() == 1 && open().size == 0;
    }

    private Revision lastRevision() {
        for (int gi = generations.size() - 1; gi >= 0; gi--) {
            Generation g = generations.get(gi);
            if (g.size > 0) {
                return g.revision(g.size - 1);
            }
        }
        return null;
    }

    /** The version visible at main revision {@code atRev}, or {@code null} if the key did not exist then. */
    Found get(long atRev) {
        int last = generations.size() - 1;
        for (int gi = last; gi >= 0; gi--) {
            Generation g = generations.get(gi);
            if (g.size == 0) {
                continue;
            }
            if (gi != last && g.mains[g.size - 1] <= atRev) {
                return null; // this generation's tombstone is at or before atRev: deleted then
            }
            if (g.mains[0] <= atRev) {
                int i = g.lastAtOrBefore(atRev);
                return new Found(g.revision(i), g.created, g.version - (g.size - 1 - i));
            }
        }
        return null;
    }

    /**
     * Forgets what is not needed to answer reads at revisions {@code >= atRev}: generations
     * that ended at or before it, and in the generation alive at {@code atRev} the revisions
     * before the one visible then. Adds the revisions at or before {@code atRev} that must stay
     * in the backend to {@code keep}.
     *
     * @return whether the history is now empty (the key can be dropped from the index)
     */
    boolean compact(long atRev, Set<Revision> keep) {
        int gi = generationAt(atRev);
        Generation g = generations.get(gi);
        int i = g.lastAtOrBefore(atRev);
        if (i >= 0) {
            keep.add(g.revision(i));
            g.dropBefore(i);
        }
        generations.subList(0, gi).clear();
        return isEmpty();
    }

    /** Adds to {@code keep} what {@link #compact} would keep, changing nothing. */
    void keep(long atRev, Set<Revision> keep) {
        Generation g = generations.get(generationAt(atRev));
        int i = g.lastAtOrBefore(atRev);
        if (i >= 0) {
            keep.add(g.revision(i));
        }
    }

    /** The first generation that had not ended by {@code atRev} (the open one if all had). */
    private int generationAt(long atRev) {
        int gi = 0;
        int last = generations.size() - 1;
        while (gi < last && generations.get(gi).tombstoneMain() <= atRev) {
            gi++;
        }
        return gi;
    }

    /** Generations as lists of revisions, oldest first: for tests and diagnostics. */
    List<List<Revision>> generations() {
        List<List<Revision>> out = new ArrayList<>(generations.size());
        for (Generation g : generations) {
            List<Revision> revs = new ArrayList<>(g.size);
            for (int i = 0; i < g.size; i++) {
                revs.add(g.revision(i));
            }
            out.add(revs);
        }
        return out;
    }

    /**
     * One generation: parallel arrays of main and sub revisions (no object per revision, so a
     * hot key costs 12 bytes per change until compaction), the creating revision and the
     * version of the last recorded change.
     */
    private static final class Generation {
        long created;
        long version;
        long[] mains = new long[2];
        int[] subs = new int[2];
        int size;

        void append(Revision rev) {
            if (size == mains.length) {
                int capacity = size * 2;
                mains = Arrays.copyOf(mains, capacity);
                subs = Arrays.copyOf(subs, capacity);
            }
            mains[size] = rev.main();
            subs[size] = Math.toIntExact(rev.sub());
            size++;
            version++;
        }

        Revision revision(int i) {
            return new Revision(mains[i], subs[i]);
        }

        long tombstoneMain() {
            return mains[size - 1];
        }

        /** Index of the last revision with main {@code <= atRev}, or -1 (binary search). */
        int lastAtOrBefore(long atRev) {
            int lo = 0;
            int hi = size; // first index with main > atRev lies in [lo, hi]
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (mains[mid] <= atRev) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo - 1;
        }

        void dropBefore(int i) {
            if (i == 0) {
                return;
            }
            System.arraycopy(mains, i, mains, 0, size - i);
            System.arraycopy(subs, i, subs, 0, size - i);
            size -= i;
        }
    }
}
