package etcetera.storage.file;

import java.util.List;

/**
 * A read transaction: a frozen {@link Committed} state, with references on its data file and on
 * the file's mapping as of the moment it opened. Never blocks and never blocks the writer.
 * Used by one thread at a time.
 */
final class FileReadTxn extends IndexView {

    private final Committed state;
    private final ChunkMapping mapping;

    /** The caller has retained {@code state.file()} for this transaction. */
    FileReadTxn(Committed state) {
        this.state = state;
        this.mapping = state.file().acquireMapping();
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
        return state.file().read(mapping, offset, length);
    }

    @Override
    public void close() {
        if (markClosed()) {
            mapping.release();
            state.file().release();
        }
    }
}
