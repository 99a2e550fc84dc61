package etcetera.storage.file;

import etcetera.api.storage.StorageException;
import etcetera.api.storage.WriteBatch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The backend's single write batch. Changes go to a {@link Draft} of the index and, encoded,
 * to the pending frame of a {@link FrameWriter}; {@link #commit()} appends the frame with one
 * positional write (plus one {@code force} when commits are synced) and then publishes the
 * frozen draft to readers. A crash before the frame is whole leaves a torn tail that the next
 * open cuts off, so a batch is on disk entirely or not at all. Used by one thread.
 */
final class FileWriteBatch extends IndexView implements WriteBatch {

    /** A batch that grows beyond this is written ahead in continued frames (see {@link FrameWriter}). */
    static final int SPILL_BYTES = 16 << 20;

    private final FileBackend backend;
    private final boolean sync;
    private Committed base;
    private Draft draft;
    private final FrameWriter frame;

    FileWriteBatch(FileBackend backend, Committed base, boolean sync) {
        this.backend = backend;
        this.base = base;
        this.sync = sync;
        this.draft = new Draft(base);
        this.frame = new FrameWriter(base.file(), base.end(), SPILL_BYTES);
    }

    @Override
    public List<String> buckets() {
        ensureOpen();
        List<String> names = new ArrayList<>();
        for (Draft.Bucket bucket : draft.buckets()) {
            names.add(bucket.name);
        }
        return names;
    }

    @Override
    KeyTree.Node root(String bucket) {
        Draft.Bucket b = draft.bucket(bucket);
        return b == null ? null : b.root;
    }

    @Override
    byte[] value(long offset, int length) {
        return frame.holds(offset) ? frame.read(offset, length) : base.file().read(offset, length);
    }

    @Override
    public void createBucket(String bucket) {
        ensureOpen();
        if (draft.bucket(bucket) == null) {
            Draft.Bucket created = draft.createBucket(bucket);
            try {
                frame.createBucket(created.id, bucket);
            } catch (UncheckedIOException e) {
                throw abandon(e.getCause());
            }
        }
    }

    @Override
    public void deleteBucket(String bucket) {
        ensureOpen();
        Draft.Bucket b = draft.bucket(bucket);
        if (b != null) {
            try {
                frame.deleteBucket(b.id);
            } catch (UncheckedIOException e) {
                throw abandon(e.getCause());
            }
            draft.deleteBucket(b);
        }
    }

    @Override
    public void put(String bucket, byte[] key, byte[] value) {
        ensureOpen();
        Draft.Bucket b = draft.bucket(bucket);
        if (b == null) {
            throw new StorageException("bucket " + bucket + " does not exist");
        }
        long offset;
        try {
            offset = frame.put(b.id, key, value);
        } catch (UncheckedIOException e) {
            throw abandon(e.getCause());
        }
        draft.put(b, key.clone(), offset, value.length);
    }

    @Override
    public void delete(String bucket, byte[] key) {
        ensureOpen();
        Draft.Bucket b = draft.bucket(bucket);
        if (b == null) {
            return;
        }
        if (draft.delete(b, key)) {
            try {
                frame.delete(b.id, key);
            } catch (UncheckedIOException e) {
                throw abandon(e.getCause());
            }
        }
    }

    @Override
    public void commit() {
        ensureOpen();
        if (frame.isEmpty()) {
            return;
        }
        DataFile file = base.file();
        try {
            long end = frame.flush();
            if (sync) {
                file.force();
            }
            base = draft.freeze(file, end);
        } catch (IOException e) {
            throw abandon(e);
        }
        backend.publish(base);
        file.mapUpTo(base.end());
    }

    /**
     * Puts the file and the draft back to the last commit after a write failed, so the batch
     * stays usable and a later commit does not land after a half-written frame.
     */
    private StorageException abandon(IOException cause) {
        try {
            // always: a failed write may have left part of a frame past the committed end
            base.file().truncate(base.end());
        } catch (IOException suppressed) {
            cause.addSuppressed(suppressed);
        }
        frame.reset(base.end());
        draft = new Draft(base);
        return new StorageException("writing the batch failed; its changes since the last commit are dropped", cause);
    }

    /** Cuts off frames written ahead for changes that will not be committed. */
    private void dropUncommitted() throws IOException {
        if (frame.base() != base.end()) {
            base.file().truncate(base.end());
        }
        frame.reset(base.end());
    }

    @Override
    public void close() {
        if (markClosed()) {
            try {
                dropUncommitted();
            } catch (IOException e) {
                throw new StorageException("cutting off the uncommitted part of a large batch failed", e);
            } finally {
                backend.writerDone();
            }
        }
    }
}
