package etcetera.server.mvcc;

import etcetera.api.storage.ReadTxn;

/**
 * A read view at the revision committed when it was opened, over a backend read transaction
 * opened after that revision was committed (so it holds every record the revision needs).
 * Owned by the thread that opened it.
 */
final class CommittedView implements ReadView {

    private final KeyIndex index;
    private final ReadTxn txn;
    private final long revision;
    private boolean closed;

    CommittedView(KeyIndex index, ReadTxn txn, long revision) {
        this.index = index;
        this.txn = txn;
        this.revision = revision;
    }

    @Override
    public long revision() {
        return revision;
    }

    @Override
    public RangeResult range(byte[] key, byte[] end, long atRevision, long limit, boolean countOnly) {
        return HistoryReader.range(index, txn, revision, -1, key, end, atRevision, limit, countOnly);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            txn.close();
        }
    }
}
