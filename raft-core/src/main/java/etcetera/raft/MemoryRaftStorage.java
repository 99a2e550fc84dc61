package etcetera.raft;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@link RaftStorage} held in memory, written by the driver: the log a node would keep in
 * its WAL plus snapshot files, and the store tests and the simulator use as "durable" state.
 * Owned by the thread that drives the {@link RawNode}; not thread-safe.
 */
public final class MemoryRaftStorage implements RaftStorage {

    private HardState hardState = HardState.EMPTY;
    private Snapshot snapshot;
    /** {@code entries.get(0)} is a placeholder at the snapshot's index and term. */
    private final ArrayList<Entry> entries = new ArrayList<>();

    /** An empty storage with no membership (a member that joins an existing group). */
    public MemoryRaftStorage() {
        this(Snapshot.EMPTY);
    }

    private MemoryRaftStorage(Snapshot snapshot) {
        this.snapshot = snapshot;
        entries.add(placeholder(snapshot.metadata()));
    }

    /** An empty storage whose initial membership is {@code voters} (how tests start a fresh group). */
    public static MemoryRaftStorage withVoters(List<Long> voters) {
        return withConfState(ConfState.ofVoters(voters));
    }

    /** An empty storage whose initial membership is {@code confState}. */
    public static MemoryRaftStorage withConfState(ConfState confState) {
        return new MemoryRaftStorage(new Snapshot(new SnapshotMetadata(0, 0, confState), null));
    }

    private static Entry placeholder(SnapshotMetadata m) {
        return new Entry(m.term(), m.index(), EntryType.NORMAL, null);
    }

    private long offset() {
        return entries.getFirst().index();
    }

    @Override
    public InitialState initialState() {
        return new InitialState(hardState, snapshot.metadata().confState());
    }

    @Override
    public List<Entry> entries(long lo, long hi, long maxBytes) {
        if (lo <= offset() || hi > lastIndex() + 1 || lo > hi) {
            throw new IllegalArgumentException("entries [" + lo + "," + hi + ") out of bounds [" + firstIndex()
                    + "," + (lastIndex() + 1) + ")");
        }
        return RaftLog.limitSize(entries.subList((int) (lo - offset()), (int) (hi - offset())), maxBytes);
    }

    @Override
    public long term(long index) {
        if (index < offset() || index > lastIndex()) {
            throw new IllegalArgumentException("term(" + index + ") out of bounds [" + offset() + "," + lastIndex() + "]");
        }
        return entries.get((int) (index - offset())).term();
    }

    @Override
    public long firstIndex() {
        return offset() + 1;
    }

    @Override
    public long lastIndex() {
        return offset() + entries.size() - 1;
    }

    @Override
    public Snapshot snapshot() {
        return snapshot;
    }

    /** Records the hard state from a {@link Ready}. */
    public void setHardState(HardState hardState) {
        this.hardState = hardState;
    }

    /** The last hard state recorded. */
    public HardState hardState() {
        return hardState;
    }

    /**
     * Appends entries from a {@link Ready}, first discarding any held entries at or after the
     * first new index (a new leader overwrote them). Entries already covered by the snapshot
     * are skipped.
     */
    public void append(List<Entry> newEntries) {
        if (newEntries.isEmpty()) {
            return;
        }
        long first = newEntries.getFirst().index();
        if (first > lastIndex() + 1) {
            throw new IllegalArgumentException("gap: appending at " + first + " after last index " + lastIndex());
        }
        List<Entry> toAdd = newEntries;
        if (first <= offset()) {
            long skip = offset() + 1 - first;
            if (skip >= newEntries.size()) {
                return;
            }
            toAdd = newEntries.subList((int) skip, newEntries.size());
            first = toAdd.getFirst().index();
        }
        int keep = (int) (first - offset());
        entries.subList(keep, entries.size()).clear();
        entries.addAll(toAdd);
    }

    /** Replaces the whole log with {@code snap} (a follower installing the leader's snapshot). */
    public void applySnapshot(Snapshot snap) {
        if (snap.index() < snapshot.index()) {
            throw new IllegalArgumentException("snapshot " + snap.index() + " older than held " + snapshot.index());
        }
        snapshot = snap;
        entries.clear();
        entries.add(placeholder(snap.metadata()));
    }

    /**
     * Records an application snapshot at {@code index} (which must be applied, hence held)
     * without discarding entries; call {@link #compact(long)} to drop them.
     */
    public Snapshot createSnapshot(long index, ConfState confState, byte[] data) {
        if (index <= snapshot.index()) {
            throw new IllegalArgumentException("snapshot at " + index + " not newer than " + snapshot.index());
        }
        if (index > lastIndex()) {
            throw new IllegalArgumentException("snapshot at " + index + " beyond last index " + lastIndex());
        }
        snapshot = new Snapshot(new SnapshotMetadata(index, term(index), confState), data);
        return snapshot;
    }

    /** Discards entries up to and including {@code index}, keeping it as the placeholder. */
    public void compact(long index) {
        if (index <= offset()) {
            return;
        }
        if (index > lastIndex()) {
            throw new IllegalArgumentException("compact(" + index + ") beyond last index " + lastIndex());
        }
        int cut = (int) (index - offset());
        Entry kept = entries.get(cut);
        entries.subList(0, cut + 1).clear();
        entries.addFirst(new Entry(kept.term(), kept.index(), EntryType.NORMAL, null));
    }

    /** A copy of the entries held (after the snapshot), for inspection. */
    public List<Entry> allEntries() {
        return List.copyOf(entries.subList(1, entries.size()));
    }
}
