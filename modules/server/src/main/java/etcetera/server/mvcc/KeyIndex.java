package etcetera.server.mvcc;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The in-memory index of the store: for every key, the {@link KeyHistory} of revisions at
 * which it changed, in unsigned key order, so that a lookup or the start of a range costs
 * O(log n). Values live in the backend under their revision; the index says which revision
 * to fetch.
 *
 * <p>Threads: the apply thread (puts and tombstones) and the compaction job mutate it under
 * the write lock; readers on any thread walk it under the read lock. The index may hold
 * revisions not yet committed to the backend: readers ask for their own view's revision and
 * so never see them. It also keeps the compaction revision, so that checking a read's
 * revision against it and walking the index happen atomically.
 */
final class KeyIndex {

    /** Receives the matches of a range walk, in key order. */
    @FunctionalInterface
    interface Visitor {
        void visit(byte[] key, Revision revision);
    }

    private final NavigableMap<byte[], KeyHistory> keys = new TreeMap<>(Arrays::compareUnsigned);
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private long compactRevision = -1;

    /** Forgets every key (before reloading the index from a replaced backend). */
    void clear() {
        lock.writeLock().lock();
        try {
            keys.clear();
            compactRevision = -1;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** The version of {@code key} visible at {@code atRev}, or {@code null}. */
    KeyHistory.Found get(byte[] key, long atRev) {
        lock.readLock().lock();
        try {
            KeyHistory history = keys.get(key);
            return history == null ? null : history.get(atRev);
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Records a put; {@code key} is kept by the index if the key is new, so it must not change
     * afterwards.
     *
     * @return the version the put replaces, or {@code null} if it creates the key
     */
    KeyHistory.Found put(byte[] key, Revision rev) {
        lock.writeLock().lock();
        try {
            return keys.computeIfAbsent(key, KeyHistory::new).put(rev);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Records a delete; returns false if the key is not live. */
    boolean tombstone(byte[] key, Revision rev) {
        lock.writeLock().lock();
        try {
            KeyHistory history = keys.get(key);
            return history != null && history.tombstone(rev);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * Replays one record of the backend's key bucket while the store is being opened; records
     * come in revision order. The first surviving record of a key may not be its creating put
     * (compaction removed older ones), so its generation is rebuilt from the record's own
     * create revision and version. A tombstone of a key the index does not know is a leftover
     * of an interrupted compaction and is skipped.
     */
    void restore(KeyValue kv, Revision rev, boolean tombstone) {
        lock.writeLock().lock();
        try {
            KeyHistory history = keys.get(kv.key());
            if (tombstone) {
                if (history != null) {
                    history.tombstone(rev);
                }
            } else if (history != null) {
                history.put(rev);
            } else {
                keys.put(kv.key(), KeyHistory.restored(kv.key(), rev, kv.createRevision(), kv.version()));
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * Walks the keys matching {@code key}/{@code end} (etcd's convention: empty {@code end}
     * means {@code key} alone, {@code end = {0}} every key from {@code key} on, otherwise
     * {@code [key, end)}) that exist at {@code atRev}, handing the first {@code limit} of them
     * (all if {@code limit <= 0}) to {@code visitor}.
     *
     * @param compactFloor a compaction the caller knows of that the index may not have yet
     * @return how many keys matched, ignoring the limit
     * @throws MvccException COMPACTED if {@code atRev} is before the compaction revision
     */
    long range(byte[] key, byte[] end, long atRev, long compactFloor, long limit, Visitor visitor) {
        lock.readLock().lock();
        try {
            long compacted = Math.max(compactRevision, compactFloor);
            if (atRev < compacted) {
                throw MvccException.compacted(compacted);
            }
            if (end.length == 0) {
                KeyHistory history = keys.get(key);
                KeyHistory.Found found = history == null ? null : history.get(atRev);
                if (found == null) {
                    return 0;
                }
                visitor.visit(history.key, found.modified());
                return 1;
            }
            long count = 0;
            for (KeyHistory history : candidates(key, end).values()) {
                KeyHistory.Found found = history.get(atRev);
                if (found != null) {
                    if (limit <= 0 || count < limit) {
                        visitor.visit(history.key, found.modified());
                    }
                    count++;
                }
            }
            return count;
        } finally {
            lock.readLock().unlock();
        }
    }

    private NavigableMap<byte[], KeyHistory> candidates(byte[] key, byte[] end) {
        if (end.length == 1 && end[0] == 0) {
            return keys.tailMap(key, true);
        }
        if (Arrays.compareUnsigned(key, end) >= 0) {
            return Collections.emptyNavigableMap();
        }
        return keys.subMap(key, true, end, false);
    }

    /** The compaction revision reads are checked against; -1 if never compacted. */
    long compactRevision() {
        lock.readLock().lock();
        try {
            return compactRevision;
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Makes reads before {@code rev} fail from now on. Done before {@link #compact} starts
     * removing revisions, so that no read can see a half-compacted index.
     */
    void markCompacted(long rev) {
        lock.writeLock().lock();
        try {
            compactRevision = Math.max(compactRevision, rev);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * Drops what reads at {@code rev} or later do not need, {@code keysPerStep} keys per
     * hold of the write lock so that the writer and readers get in between.
     *
     * @return the revisions at or before {@code rev} that must stay in the backend
     */
    Set<Revision> compact(long rev, int keysPerStep) {
        markCompacted(rev);
        Set<Revision> keep = new HashSet<>();
        byte[] after = null;
        while (true) {
            lock.writeLock().lock();
            try {
                NavigableMap<byte[], KeyHistory> rest = after == null ? keys : keys.tailMap(after, false);
                Iterator<Map.Entry<byte[], KeyHistory>> it = rest.entrySet().iterator();
                for (int n = 0; n < keysPerStep && it.hasNext(); n++) {
                    Map.Entry<byte[], KeyHistory> entry = it.next();
                    after = entry.getKey();
                    if (entry.getValue().compact(rev, keep)) {
                        it.remove();
                    }
                }
                if (!it.hasNext()) {
                    return keep;
                }
            } finally {
                lock.writeLock().unlock();
            }
        }
    }

    /** The revisions at or before {@code rev} that a compaction at {@code rev} would keep. */
    Set<Revision> keep(long rev) {
        lock.readLock().lock();
        try {
            Set<Revision> keep = new HashSet<>();
            for (KeyHistory history : keys.values()) {
                history.keep(rev, keep);
            }
            return keep;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Number of keys with a history in the index (live or with retained past). */
    int size() {
        lock.readLock().lock();
        try {
            return keys.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The generations of {@code key}, oldest first; empty if unknown. For tests and diagnostics. */
    List<List<Revision>> generations(byte[] key) {
        lock.readLock().lock();
        try {
            KeyHistory history = keys.get(key);
            return history == null ? List.of() : history.generations();
        } finally {
            lock.readLock().unlock();
        }
    }
}
