package etcetera.storage.file;

import java.util.List;

/**
 * A read transaction: a frozen {@link Committed} state and a reference on its data file.
 * Never blocks and never blocks the writer. Used by one thread at a time.
 */
final class FileReadTxn extends IndexView {

    private final Committed state;

    /** The caller has retained {@code state.file()} for this transaction. */
    FileReadTxn(Committed state) {
        this.state = state;
    }

    @Override
    public List<String> buckets() {
        ensureOpen();
        return List.copyOf(state.buckets().keySet());
    }

    @Override
    KeyTree.Node root(String bucket) {
        Committed.BucketRoot root = state.buckets().get(bucket);
        return root == null ? null : root.root();
    }

    @Override
    byte[] value(long offset, int length) {
        return state.file().read(offset, length);
    }

    @Override
    public void close() {
        if (markClosed()) {
            state.file().release();
        }
    }
}
