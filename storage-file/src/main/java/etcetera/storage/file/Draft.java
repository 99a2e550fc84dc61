package etcetera.storage.file;

import etcetera.api.storage.StorageException;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The writer's working copy of the index: bucket trees it changes through one {@link KeyTree.Edit},
 * frozen into a {@link Committed} state at each commit. Used by the write batch, by replay on
 * open and by defragment; owned by whichever of them holds the writer's turn.
 */
final class Draft {

    /** A bucket being changed. */
    static final class Bucket {
        final String name;
        final int id;
        KeyTree.Node root;
        long count;
        long bytes;

        Bucket(String name, int id, KeyTree.Node root, long count, long bytes) {
            this.name = name;
            this.id = id;
            this.root = root;
            this.count = count;
            this.bytes = bytes;
        }
    }

    private final KeyTree.Edit edit = new KeyTree.Edit();
    private final TreeMap<String, Bucket> buckets = new TreeMap<>();
    private final Map<Integer, Bucket> byId = new HashMap<>();
    private int nextBucketId;

    Draft(Committed from) {
        for (Committed.BucketRoot b : from.buckets().values()) {
            Bucket bucket = new Bucket(b.name(), b.id(), b.root(), b.count(), b.bytes());
            buckets.put(b.name(), bucket);
            byId.put(b.id(), bucket);
        }
        nextBucketId = from.nextBucketId();
    }

    Draft() {
        nextBucketId = 1;
    }

    Bucket bucket(String name) {
        return buckets.get(name);
    }

    Bucket bucket(int id) {
        Bucket bucket = byId.get(id);
        if (bucket == null) {
            throw new StorageException("corrupt data file: record for unknown bucket id " + id);
        }
        return bucket;
    }

    Iterable<Bucket> buckets() {
        return buckets.values();
    }

    /** Creates the bucket with a fresh id; the caller checked it does not exist. */
    Bucket createBucket(String name) {
        return createBucket(name, nextBucketId);
    }

    /** Creates the bucket with a given id (replay). */
    Bucket createBucket(String name, int id) {
        Bucket bucket = new Bucket(name, id, null, 0, 0);
        Bucket previous = buckets.put(name, bucket);
        if (previous != null) {
            byId.remove(previous.id);
        }
        byId.put(id, bucket);
        nextBucketId = Math.max(nextBucketId, id + 1);
        return bucket;
    }

    void deleteBucket(Bucket bucket) {
        buckets.remove(bucket.name);
        byId.remove(bucket.id);
    }

    /** Puts the key (which the tree keeps) with its value's location. */
    void put(Bucket bucket, byte[] key, long offset, int length) {
        KeyTree.Edit e = edit;
        bucket.root = KeyTree.put(e, bucket.root, key, offset, length);
        if (e.found) {
            bucket.bytes += length - e.oldLength;
        } else {
            bucket.count++;
            bucket.bytes += LogFormat.putRecordSize(key.length, length);
        }
    }

    /** Removes the key; false if it was not there. */
    boolean delete(Bucket bucket, byte[] key) {
        KeyTree.Edit e = edit;
        bucket.root = KeyTree.remove(e, bucket.root, key);
        if (e.found) {
            bucket.count--;
            bucket.bytes -= LogFormat.putRecordSize(key.length, e.oldLength);
        }
        return e.found;
    }

    /** Freezes the current trees into a state readers may see; later changes copy what they touch. */
    Committed freeze(DataFile file, long end) {
        edit.seal();
        Map<String, Committed.BucketRoot> frozen = new LinkedHashMap<>();
        long live = LogFormat.FILE_HEADER_SIZE;
        for (Bucket b : buckets.values()) {
            frozen.put(b.name, new Committed.BucketRoot(b.name, b.id, b.root, b.count, b.bytes));
            live += LogFormat.BUCKET_RECORD_OVERHEAD + b.name.length() + b.bytes;
        }
        return new Committed(file, end, Collections.unmodifiableMap(frozen), nextBucketId, live);
    }
}
