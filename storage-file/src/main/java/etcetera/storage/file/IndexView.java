package etcetera.storage.file;

import etcetera.api.storage.EntryVisitor;
import etcetera.api.storage.ReadTxn;
import etcetera.api.storage.StorageException;
import java.util.Optional;

/**
 * The reading half of a transaction over a bucket index: point gets and scans that find
 * locations in a {@link KeyTree} and fetch the values. Subclasses say where the trees come
 * from (a frozen state for a reader, the writer's draft for a batch) and where values live.
 * Used by one thread at a time, like the transaction it belongs to.
 */
abstract sealed class IndexView implements ReadTxn permits FileReadTxn, FileWriteBatch {

    private final int[] slot = new int[1];
    private boolean closed;

    /** The root of {@code bucket}'s tree; null when the bucket is empty or absent. */
    abstract KeyTree.Node root(String bucket);

    /** The value stored at {@code offset}. */
    abstract byte[] value(long offset, int length);

    @Override
    public final Optional<byte[]> get(String bucket, byte[] key) {
        ensureOpen();
        KeyTree.Leaf leaf = KeyTree.find(root(bucket), key, slot);
        if (leaf == null) {
            return Optional.empty();
        }
        int i = slot[0];
        return Optional.of(value(leaf.offsets[i], leaf.lengths[i]));
    }

    @Override
    public final void scan(String bucket, byte[] from, byte[] to, boolean reverse, EntryVisitor visitor) {
        ensureOpen();
        KeyTree.scan(root(bucket), from, to, reverse, (key, offset, length) -> visitor.visit(key.clone(), value(offset, length)));
    }

    /** Marks the view closed; true the first time. */
    final boolean markClosed() {
        if (closed) {
            return false;
        }
        closed = true;
        return true;
    }

    final void ensureOpen() {
        if (closed) {
            throw new StorageException("the transaction is closed");
        }
    }
}
