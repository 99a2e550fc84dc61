package etcetera.api.storage;

/**
 * The single open write transaction of a {@link Backend}. Reads through it see its own
 * uncommitted changes; other readers do not see them until {@link #commit()}. Closing
 * without committing discards the changes. Used by one thread.
 */
public interface WriteBatch extends ReadTxn {

    /** Creates the bucket if it does not exist. */
    void createBucket(String bucket);

    /** Deletes the bucket and all its entries, if it exists. */
    void deleteBucket(String bucket);

    /** Stores {@code value} under {@code key}; the bucket must exist. */
    void put(String bucket, byte[] key, byte[] value);

    /** Removes {@code key} if present. */
    void delete(String bucket, byte[] key);

    /**
     * Makes every change of this batch visible and durable atomically: after a crash the
     * backend holds either all of them or none. The batch stays open for further changes,
     * which form the next atomic unit.
     */
    void commit();
}
