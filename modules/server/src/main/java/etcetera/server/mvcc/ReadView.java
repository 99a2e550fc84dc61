package etcetera.server.mvcc;

/**
 * A consistent view of the store at one revision: either a committed view from
 * {@link MvccStore#read()} (any thread, must be closed) or the open {@link WriteTxn} of the
 * apply thread, which also sees its own uncommitted changes.
 *
 * <p>A view is used by one thread at a time.
 */
public sealed interface ReadView extends AutoCloseable permits CommittedView, WriteTxn {

    /** The revision this view reads at when a range asks for revision 0. */
    long revision();

    /**
     * The versions of the keys in a range.
     *
     * @param key the first key (or the only one)
     * @param end empty for {@code key} alone; {@code {0}} for every key from {@code key} on;
     *     otherwise the exclusive end of {@code [key, end)}
     * @param atRevision the revision to read at; {@code <= 0} for {@link #revision()}
     * @param limit the most versions to return; {@code <= 0} for no limit ({@code count} is
     *     always the total)
     * @param countOnly count the matches without fetching any version
     * @throws MvccException FUTURE_REVISION if {@code atRevision > revision()}; COMPACTED if
     *     it is before the compaction revision (a read at exactly the compaction revision is
     *     allowed, as in etcd)
     */
    RangeResult range(byte[] key, byte[] end, long atRevision, long limit, boolean countOnly);

    /** Releases the view. */
    @Override
    void close();
}
