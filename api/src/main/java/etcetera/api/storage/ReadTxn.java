package etcetera.api.storage;

import java.util.List;
import java.util.Optional;

/**
 * A read-only view of the committed state as of the moment it was opened. May be used by
 * one thread at a time; must be closed. Byte arrays handed out belong to the caller.
 */
public interface ReadTxn extends AutoCloseable {

    /** Names of the buckets that exist in this view, in ascending order. */
    List<String> buckets();

    /** The value stored under {@code key} in {@code bucket}, if any (empty if the bucket does not exist). */
    Optional<byte[]> get(String bucket, byte[] key);

    /**
     * Visits the entries of {@code bucket} with {@code from <= key < to} in ascending key order
     * (descending if {@code reverse}), until the visitor returns {@code false}.
     *
     * @param from the first key, inclusive; an empty array means the start of the bucket
     * @param to the end key, exclusive; {@code null} means the end of the bucket
     */
    void scan(String bucket, byte[] from, byte[] to, boolean reverse, EntryVisitor visitor);

    @Override
    void close();
}
