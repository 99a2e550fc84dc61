package etcetera.storage.file;

import etcetera.api.storage.EntryVisitor;
import etcetera.api.storage.StorageException;
import etcetera.api.storage.WriteBatch;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The open write batch of a {@link LogBackend}: changes are encoded as they are made and kept
 * in an overlay so the batch reads its own writes; {@link #commit()} appends them as one
 * record and publishes them. Used by the one thread holding the backend's write permit.
 */
final class LogBatch implements WriteBatch {

    private static final byte[] DELETED = new byte[0];
    private static final byte[] START = new byte[0];

    /** What this batch changed in one bucket. */
    private static final class Overlay {
        Boolean exists;
        boolean cleared;
        final TreeMap<byte[], byte[]> changes = new TreeMap<>(LogBackend.UNSIGNED);
    }

    private final LogBackend backend;
    private final BatchEncoder encoder = new BatchEncoder();
    private final Map<String, Overlay> overlays = new HashMap<>();
    private boolean closed;

    LogBatch(LogBackend backend) {
        this.backend = backend;
    }

    private long base() {
        return backend.committed;
    }

    private boolean exists(String bucket) {
        Overlay overlay = overlays.get(bucket);
        if (overlay != null && overlay.exists != null) {
            return overlay.exists;
        }
        return backend.bucketExists(bucket, base());
    }

    @Override
    public List<String> buckets() {
        ensureOpen();
        TreeSet<String> names = new TreeSet<>(backend.bucketNames(base()));
        overlays.forEach((name, overlay) -> {
            if (overlay.exists != null) {
                if (overlay.exists) {
                    names.add(name);
                } else {
                    names.remove(name);
                }
            }
        });
        return new ArrayList<>(names);
    }

    @Override
    public Optional<byte[]> get(String bucket, byte[] key) {
        ensureOpen();
        if (!exists(bucket)) {
            return Optional.empty();
        }
        Overlay overlay = overlays.get(bucket);
        if (overlay != null) {
            byte[] changed = overlay.changes.get(key);
            if (changed != null) {
                return changed == DELETED ? Optional.empty() : Optional.of(changed.clone());
            }
            if (overlay.cleared) {
                return Optional.empty();
            }
        }
        return backend.get(bucket, key, base());
    }

    @Override
    public void scan(String bucket, byte[] from, byte[] to, boolean reverse, EntryVisitor visitor) {
        ensureOpen();
        if (!exists(bucket)) {
            return;
        }
        byte[] start = from == null ? START : from;
        Overlay overlay = overlays.get(bucket);
        if (overlay == null || overlay.changes.isEmpty() && !overlay.cleared) {
            backend.scan(bucket, start, to, reverse, visitor, base());
            return;
        }
        TreeMap<byte[], byte[]> merged = new TreeMap<>(LogBackend.UNSIGNED);
        if (!overlay.cleared) {
            backend.scan(bucket, start, to, false, (k, v) -> {
                merged.put(k, v);
                return true;
            }, base());
        }
        NavigableMap<byte[], byte[]> changes = to == null ? overlay.changes.tailMap(start, true)
                : overlay.changes.subMap(start, true, to, false);
        changes.forEach((k, v) -> {
            if (v == DELETED) {
                merged.remove(k);
            } else {
                merged.put(k, v);
            }
        });
        for (Map.Entry<byte[], byte[]> entry : (reverse ? merged.descendingMap() : merged).entrySet()) {
            if (!visitor.visit(entry.getKey().clone(), entry.getValue().clone())) {
                return;
            }
        }
    }

    @Override
    public void createBucket(String bucket) {
        ensureOpen();
        if (exists(bucket)) {
            return;
        }
        overlays.computeIfAbsent(bucket, b -> new Overlay()).exists = true;
        encoder.createBucket(bucket);
    }

    @Override
    public void deleteBucket(String bucket) {
        ensureOpen();
        if (!exists(bucket)) {
            return;
        }
        Overlay overlay = overlays.computeIfAbsent(bucket, b -> new Overlay());
        overlay.exists = false;
        overlay.cleared = true;
        overlay.changes.clear();
        encoder.deleteBucket(bucket);
    }

    @Override
    public void put(String bucket, byte[] key, byte[] value) {
        ensureOpen();
        if (!exists(bucket)) {
            throw new StorageException("bucket " + bucket + " does not exist; create it first");
        }
        byte[] k = key.clone();
        byte[] v = value.clone();
        overlays.computeIfAbsent(bucket, b -> new Overlay()).changes.put(k, v.length == 0 ? new byte[0] : v);
        encoder.put(bucket, k, v);
    }

    @Override
    public void delete(String bucket, byte[] key) {
        ensureOpen();
        if (!exists(bucket)) {
            return;
        }
        byte[] k = key.clone();
        overlays.computeIfAbsent(bucket, b -> new Overlay()).changes.put(k, DELETED);
        encoder.delete(bucket, k);
    }

    @Override
    public void commit() {
        ensureOpen();
        backend.commit(encoder.toBytes());
        encoder.reset();
        overlays.clear();
    }

    private void ensureOpen() {
        if (closed) {
            throw new StorageException("write batch is closed");
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            encoder.reset();
            overlays.clear();
            backend.releaseWriter();
        }
    }
}
