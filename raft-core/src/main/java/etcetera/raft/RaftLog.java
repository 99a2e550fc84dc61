package etcetera.raft;

import java.util.ArrayList;
import java.util.List;

/**
 * The log as the algorithm manages it: the persisted part (queried from {@link RaftStorage})
 * followed by an unstable tail (entries, or a snapshot, not yet handed to the driver for
 * persistence), plus the commit and applied indexes. Owned by the {@link Raft} it belongs to.
 */
final class RaftLog {

    /** Returned by {@link #term(long)} for a position outside the log (compacted or beyond the end). */
    static final long UNAVAILABLE = -1;

    /** Bytes counted per entry beyond its payload when limiting message sizes. */
    static final long ENTRY_OVERHEAD = 16;

    private final RaftStorage storage;
    /** A snapshot received from the leader and not yet persisted, or null. */
    private Snapshot unstableSnapshot;
    /** Entries not yet persisted; {@code unstable.get(0)} is at {@code unstableOffset}. */
    private final ArrayList<Entry> unstable = new ArrayList<>();
    private long unstableOffset;

    long committed;
    long applied;
    private final long maxApplyBytes;

    RaftLog(RaftStorage storage, long maxApplyBytes) {
        this.storage = storage;
        this.maxApplyBytes = maxApplyBytes;
        this.unstableOffset = storage.lastIndex() + 1;
        this.committed = storage.firstIndex() - 1;
        this.applied = storage.firstIndex() - 1;
    }

    static long entrySize(Entry e) {
        return e.data().length + ENTRY_OVERHEAD;
    }

    /** The longest prefix of {@code entries} within {@code maxBytes}, but at least one entry. */
    static List<Entry> limitSize(List<Entry> entries, long maxBytes) {
        if (entries.isEmpty()) {
            return List.of();
        }
        long size = entrySize(entries.getFirst());
        int n = 1;
        while (n < entries.size()) {
            size += entrySize(entries.get(n));
            if (size > maxBytes) {
                break;
            }
            n++;
        }
        return List.copyOf(entries.subList(0, n));
    }

    long firstIndex() {
        return unstableSnapshot != null ? unstableSnapshot.index() + 1 : storage.firstIndex();
    }

    long lastIndex() {
        if (!unstable.isEmpty()) {
            return unstableOffset + unstable.size() - 1;
        }
        return unstableSnapshot != null ? unstableSnapshot.index() : storage.lastIndex();
    }

    long lastTerm() {
        return term(lastIndex());
    }

    /** The term at {@code index}, or {@link #UNAVAILABLE} if compacted or beyond the last index. */
    long term(long index) {
        if (index < firstIndex() - 1 || index > lastIndex()) {
            return UNAVAILABLE;
        }
        if (index >= unstableOffset && !unstable.isEmpty()) {
            return unstable.get((int) (index - unstableOffset)).term();
        }
        if (unstableSnapshot != null) {
            // only the snapshot's own index is known below the unstable entries
            return index == unstableSnapshot.index() ? unstableSnapshot.term() : UNAVAILABLE;
        }
        return storage.term(index);
    }

    boolean matchTerm(long index, long term) {
        long t = term(index);
        return t != UNAVAILABLE && t == term;
    }

    /** Whether a log ending at ({@code lastTerm}, {@code lastIndex}) is at least as up to date as ours. */
    boolean isUpToDate(long lastTerm, long lastIndex) {
        long myTerm = lastTerm();
        return lastTerm > myTerm || (lastTerm == myTerm && lastIndex >= lastIndex());
    }

    /** The highest index whose entry is persisted (acknowledged by the driver). */
    long stableIndex() {
        if (unstableSnapshot != null) {
            return 0;
        }
        return unstable.isEmpty() ? lastIndex() : unstableOffset - 1;
    }

    /** Entries in {@code [lo, hi)} limited to {@code maxBytes}, or null if {@code lo} is compacted. */
    List<Entry> slice(long lo, long hi, long maxBytes) {
        if (lo < firstIndex()) {
            return null;
        }
        if (hi > lastIndex() + 1 || lo > hi) {
            throw new IllegalStateException("slice [" + lo + "," + hi + ") beyond last index " + lastIndex());
        }
        if (lo == hi) {
            return List.of();
        }
        List<Entry> out = new ArrayList<>();
        if (lo < unstableOffset) {
            List<Entry> stored = storage.entries(lo, Math.min(hi, unstableOffset), maxBytes);
            if (stored.size() < Math.min(hi, unstableOffset) - lo) {
                return stored; // size limit reached inside the stored part
            }
            out.addAll(stored);
        }
        if (hi > unstableOffset) {
            long from = Math.max(lo, unstableOffset);
            out.addAll(unstable.subList((int) (from - unstableOffset), (int) (hi - unstableOffset)));
        }
        return limitSize(out, maxBytes);
    }

    /** Entries from {@code lo} to the end within {@code maxBytes}, or null if {@code lo} is compacted. */
    List<Entry> entriesFrom(long lo, long maxBytes) {
        return slice(lo, lastIndex() + 1, maxBytes);
    }

    /** The persisted or unstable snapshot to send to a follower that is too far behind. */
    Snapshot snapshot() {
        return unstableSnapshot != null ? unstableSnapshot : storage.snapshot();
    }

    /** Appends entries that start at or before {@code lastIndex()+1}, truncating what they replace. */
    long append(List<Entry> entries) {
        if (entries.isEmpty()) {
            return lastIndex();
        }
        long after = entries.getFirst().index();
        if (after <= committed) {
            throw new IllegalStateException("append at " + after + " would overwrite committed " + committed);
        }
        if (after > lastIndex() + 1) {
            throw new IllegalStateException("append at " + after + " leaves a gap after " + lastIndex());
        }
        if (after == unstableOffset + unstable.size()) {
            unstable.addAll(entries);
        } else if (after <= unstableOffset) {
            // replace the unstable tail; the driver truncates the stored part when persisting
            unstableOffset = after;
            unstable.clear();
            unstable.addAll(entries);
        } else {
            unstable.subList((int) (after - unstableOffset), unstable.size()).clear();
            unstable.addAll(entries);
        }
        return lastIndex();
    }

    /**
     * The follower's append rule: if our entry at {@code index} has term {@code logTerm},
     * append what conflicts or is new, commit up to {@code min(commit, last new index)} and
     * return the last new index; otherwise return -1.
     */
    long maybeAppend(long index, long logTerm, long commit, List<Entry> entries) {
        if (!matchTerm(index, logTerm)) {
            return -1;
        }
        long lastNew = index + entries.size();
        long conflict = findConflict(entries);
        if (conflict != 0) {
            if (conflict <= committed) {
                throw new IllegalStateException("entry " + conflict + " conflicts with committed entry (committed "
                        + committed + ")");
            }
            append(entries.subList((int) (conflict - entries.getFirst().index()), entries.size()));
        }
        commitTo(Math.min(commit, lastNew));
        return lastNew;
    }

    /** The index of the first entry whose term differs from ours (or is new), 0 if none. */
    long findConflict(List<Entry> entries) {
        for (Entry e : entries) {
            if (!matchTerm(e.index(), e.term())) {
                return e.index();
            }
        }
        return 0;
    }

    /**
     * The largest index at or below {@code index} whose term is at most {@code term}: where a
     * leader's log of that term can possibly match ours. Stops at the compaction point.
     */
    long findConflictByTerm(long index, long term) {
        for (long i = Math.min(index, lastIndex()); i > 0; i--) {
            long t = term(i);
            if (t == UNAVAILABLE || t <= term) {
                return i;
            }
        }
        return 0;
    }

    void commitTo(long index) {
        if (index > committed) {
            if (index > lastIndex()) {
                throw new IllegalStateException("commit " + index + " beyond last index " + lastIndex());
            }
            committed = index;
        }
    }

    /** Commits {@code index} if its entry is of {@code term} (Raft only commits current-term entries by counting). */
    boolean maybeCommit(long index, long term) {
        if (index > committed && term(index) == term) {
            commitTo(index);
            return true;
        }
        return false;
    }

    void appliedTo(long index) {
        if (index == 0) {
            return;
        }
        if (index > committed || index < applied) {
            throw new IllegalStateException("applied " + index + " outside [" + applied + "," + committed + "]");
        }
        applied = index;
    }

    /** Committed entries the application has not applied yet. */
    List<Entry> nextCommittedEntries() {
        long lo = Math.max(applied + 1, firstIndex());
        if (committed + 1 <= lo) {
            return List.of();
        }
        List<Entry> out = slice(lo, committed + 1, maxApplyBytes);
        return out == null ? List.of() : out;
    }

    boolean hasNextCommittedEntries() {
        return committed > Math.max(applied, firstIndex() - 1);
    }

    boolean hasUnstableEntries() {
        return !unstable.isEmpty();
    }

    List<Entry> unstableEntries() {
        return List.copyOf(unstable);
    }

    Snapshot unstableSnapshot() {
        return unstableSnapshot;
    }

    /** The driver persisted entries up to ({@code index}, {@code term}). */
    void stableTo(long index, long term) {
        if (index < unstableOffset || unstable.isEmpty() || index > lastIndex()) {
            return;
        }
        if (unstable.get((int) (index - unstableOffset)).term() != term) {
            return; // overwritten since the Ready was made
        }
        unstable.subList(0, (int) (index + 1 - unstableOffset)).clear();
        unstableOffset = index + 1;
    }

    /** The driver persisted the snapshot at {@code index}. */
    void stableSnapshotTo(long index) {
        if (unstableSnapshot != null && unstableSnapshot.index() == index) {
            unstableSnapshot = null;
        }
    }

    /** Replaces the log with {@code snapshot}: everything before it is gone, it is committed. */
    void restore(Snapshot snapshot) {
        committed = snapshot.index();
        unstableSnapshot = snapshot;
        unstable.clear();
        unstableOffset = snapshot.index() + 1;
    }

    /** Whether an unapplied committed entry is a membership change. */
    boolean hasUnappliedConfChange() {
        long lo = Math.max(applied + 1, firstIndex());
        if (lo > committed) {
            return false;
        }
        List<Entry> pending = slice(lo, committed + 1, Long.MAX_VALUE);
        return pending != null && pending.stream().anyMatch(e -> e.type() == EntryType.CONF_CHANGE);
    }
}
