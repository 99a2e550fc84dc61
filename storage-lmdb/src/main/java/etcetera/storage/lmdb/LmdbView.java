package etcetera.storage.lmdb;

import etcetera.api.storage.EntryVisitor;
import etcetera.api.storage.ReadTxn;
import etcetera.api.storage.StorageException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.lmdbjava.Cursor;
import org.lmdbjava.GetOp;
import org.lmdbjava.LmdbException;
import org.lmdbjava.Txn;

/**
 * The reads shared by a read transaction and the write batch: bucket lookups through the
 * {@code buckets} database and ordered scans of the bucket's range in {@code data}. Used by
 * one thread at a time, like the transaction under it.
 */
abstract sealed class LmdbView implements ReadTxn permits LmdbReadTxn, LmdbWriteBatch {

    final LmdbDatabases databases;
    /** Bucket ids looked up in this view; the write batch clears it when buckets change. */
    final Map<String, Integer> ids = new HashMap<>();

    LmdbView(LmdbDatabases databases) {
        this.databases = databases;
    }

    /** The LMDB transaction the reads go through. */
    abstract Txn<byte[]> txn();

    @Override
    public List<String> buckets() {
        List<String> names = new ArrayList<>();
        try (Cursor<byte[]> cursor = databases.buckets().openCursor(txn())) {
            for (boolean more = cursor.first(); more; more = cursor.next()) {
                names.add(new String(cursor.key(), StandardCharsets.UTF_8));
            }
        } catch (LmdbException e) {
            throw failure("listing buckets", e);
        }
        return names;
    }

    @Override
    public Optional<byte[]> get(String bucket, byte[] key) {
        OptionalInt id = bucketId(bucket);
        if (id.isEmpty() || key.length + KeyLayout.PREFIX_BYTES > databases.maxKeyBytes()) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(databases.data().get(txn(), KeyLayout.dataKey(id.getAsInt(), key)));
        } catch (LmdbException e) {
            throw failure("reading from bucket " + bucket, e);
        }
    }

    @Override
    public void scan(String bucket, byte[] from, byte[] to, boolean reverse, EntryVisitor visitor) {
        OptionalInt found = bucketId(bucket);
        if (found.isEmpty()) {
            return;
        }
        int id = found.getAsInt();
        try (Cursor<byte[]> cursor = databases.data().openCursor(txn())) {
            if (reverse) {
                byte[] end = to == null ? KeyLayout.endOfBucket(id) : seekKey(id, to);
                boolean more = cursor.get(end, GetOp.MDB_SET_RANGE) || cursor.last();
                while (more && KeyLayout.pastEnd(cursor.key(), id, to)) {
                    more = cursor.prev();
                }
                for (; more; more = cursor.prev()) {
                    byte[] stored = cursor.key();
                    if (!KeyLayout.inBucket(stored, id) || KeyLayout.compareUserKey(stored, from) < 0
                            || !visitor.visit(KeyLayout.userKey(stored), cursor.val())) {
                        return;
                    }
                }
            } else {
                for (boolean more = cursor.get(seekKey(id, from), GetOp.MDB_SET_RANGE); more; more = cursor.next()) {
                    byte[] stored = cursor.key();
                    if (KeyLayout.inBucket(stored, id) && KeyLayout.compareUserKey(stored, from) < 0) {
                        continue; // only below a cut seek key
                    }
                    if (!KeyLayout.inBucket(stored, id) || (to != null && KeyLayout.compareUserKey(stored, to) >= 0)
                            || !visitor.visit(KeyLayout.userKey(stored), cursor.val())) {
                        return;
                    }
                }
            }
        } catch (LmdbException e) {
            throw failure("scanning bucket " + bucket, e);
        }
    }

    /**
     * A key to position a cursor at or before {@code key} of bucket {@code id}. Keys longer
     * than LMDB takes cannot be stored, so a bound past that length is cut to a prefix, which
     * sorts no later; the scans check each entry against the whole bound.
     */
    private byte[] seekKey(int id, byte[] key) {
        int room = databases.maxKeyBytes() - KeyLayout.PREFIX_BYTES;
        return KeyLayout.dataKey(id, key.length <= room ? key : java.util.Arrays.copyOf(key, room));
    }

    OptionalInt bucketId(String bucket) {
        Integer cached = ids.get(bucket);
        if (cached != null) {
            return OptionalInt.of(cached);
        }
        byte[] stored;
        try {
            stored = databases.buckets().get(txn(), bucket.getBytes(StandardCharsets.UTF_8));
        } catch (LmdbException e) {
            throw failure("looking up bucket " + bucket, e);
        }
        if (stored == null) {
            return OptionalInt.empty();
        }
        int id = KeyLayout.id(stored);
        ids.put(bucket, id);
        return OptionalInt.of(id);
    }

    static StorageException failure(String what, LmdbException e) {
        return new StorageException("lmdb: " + what + " failed: " + e.getMessage(), e);
    }
}
