package etcetera.raft;

import java.util.List;

/**
 * The durable log as the algorithm sees it: read-only. The driver writes to its
 * implementation (entries, hard state, snapshots from a {@link Ready}) and then calls
 * {@link RawNode#advance(Ready)}; the algorithm only queries it.
 *
 * <p>The algorithm only asks for positions inside the log's bounds: {@link #term(long)} for
 * {@code firstIndex()-1 <= index <= lastIndex()} and {@link #entries} for
 * {@code firstIndex() <= lo < hi <= lastIndex()+1}; an implementation may throw
 * {@link IllegalArgumentException} otherwise. The storage must not be changed while the
 * algorithm is running a call — the thread that drives the {@link RawNode} owns both.
 */
public interface RaftStorage {

    /**
     * The persisted hard state and the membership as of the latest snapshot.
     *
     * @param hardState the last persisted term, vote and commit
     * @param confState the membership configuration the log starts from
     */
    record InitialState(HardState hardState, ConfState confState) {
    }

    /** What the algorithm starts from. */
    InitialState initialState();

    /**
     * Entries in {@code [lo, hi)}, stopping once their total size passes {@code maxBytes}
     * but always at least one entry.
     */
    List<Entry> entries(long lo, long hi, long maxBytes);

    /** The term of the entry at {@code index} ({@code firstIndex()-1} gives the snapshot's term). */
    long term(long index);

    /** The index of the first entry still held (the snapshot's index + 1). */
    long firstIndex();

    /** The index of the last entry held (the snapshot's index if none follow it). */
    long lastIndex();

    /** The most recent snapshot, {@link Snapshot#EMPTY} if there is none. */
    Snapshot snapshot();
}
