package etcetera.raft;

/**
 * One entry of the replicated log. The {@code data} array is owned by the entry once
 * constructed and must not be modified.
 *
 * @param term the term in which the leader created it
 * @param index its position in the log, from 1
 * @param type what {@code data} holds
 * @param data the payload: an application proposal or an encoded configuration change
 */
public record Entry(long term, long index, EntryType type, byte[] data) {

    private static final byte[] EMPTY = new byte[0];

    public Entry {
        if (term < 0 || index < 0) {
            throw new IllegalArgumentException("term and index must be >= 0: term=" + term + " index=" + index);
        }
        if (data == null) {
            data = EMPTY;
        }
    }

    /** An application entry. */
    public static Entry normal(long term, long index, byte[] data) {
        return new Entry(term, index, EntryType.NORMAL, data);
    }
}
