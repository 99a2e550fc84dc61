package etcetera.server.mvcc;

import etcetera.api.storage.EntryVisitor;
import etcetera.api.storage.WriteBatch;
import java.util.List;
import java.util.Optional;

/**
 * The store's current write batch lent to the apply thread's other stores (lease, auth,
 * membership) so that their changes commit atomically with the MVCC changes and the
 * consistent index. It refuses to commit or close: only {@link MvccStore#commit(long)} does.
 * Owned by the apply thread, valid until that commit.
 */
final class SharedBatch implements WriteBatch {

    private final WriteBatch batch;

    SharedBatch(WriteBatch batch) {
        this.batch = batch;
    }

    @Override
    public List<String> buckets() {
        return batch.buckets();
    }

    @Override
    public Optional<byte[]> get(String bucket, byte[] key) {
        return batch.get(bucket, key);
    }

    @Override
    public void scan(String bucket, byte[] from, byte[] to, boolean reverse, EntryVisitor visitor) {
        batch.scan(bucket, from, to, reverse, visitor);
    }

    @Override
    public void createBucket(String bucket) {
        checkNotReserved(bucket);
        batch.createBucket(bucket);
    }

    @Override
    public void deleteBucket(String bucket) {
        checkNotReserved(bucket);
        batch.deleteBucket(bucket);
    }

    @Override
    public void put(String bucket, byte[] key, byte[] value) {
        checkNotReserved(bucket);
        batch.put(bucket, key, value);
    }

    @Override
    public void delete(String bucket, byte[] key) {
        checkNotReserved(bucket);
        batch.delete(bucket, key);
    }

    @Override
    public void commit() {
        throw new UnsupportedOperationException("the shared batch is committed by MvccStore.commit(appliedIndex)");
    }

    @Override
    public void close() {
        throw new UnsupportedOperationException("the shared batch is closed by MvccStore.commit(appliedIndex)");
    }

    private static void checkNotReserved(String bucket) {
        if (bucket.equals(MvccStore.KEY_BUCKET) || bucket.equals(MvccStore.META_BUCKET)) {
            throw new IllegalArgumentException("bucket '" + bucket + "' belongs to the MVCC store");
        }
    }
}
