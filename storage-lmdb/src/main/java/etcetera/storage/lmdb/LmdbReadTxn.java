package etcetera.storage.lmdb;

import org.lmdbjava.Txn;

/**
 * A read transaction: an LMDB read-only transaction, plus the backend's permit that keeps
 * the memory map in place while it is open. Used by one thread at a time.
 */
final class LmdbReadTxn extends LmdbView {

    private final LmdbBackend backend;
    private final long mapStamp;
    private final Txn<byte[]> txn;
    private boolean closed;

    LmdbReadTxn(LmdbBackend backend, LmdbDatabases databases, long mapStamp) {
        super(databases);
        this.backend = backend;
        this.mapStamp = mapStamp;
        this.txn = databases.env().txnRead();
    }

    @Override
    Txn<byte[]> txn() {
        if (closed) {
            throw new IllegalStateException("the read transaction is closed");
        }
        return txn;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            txn.close();
        } finally {
            backend.releaseMap(mapStamp);
        }
    }
}
