package etcetera.server.mvcc;

import etcetera.api.storage.Backend;
import etcetera.api.storage.Progress;
import etcetera.api.storage.SnapshotFormat;
import etcetera.api.storage.ReadTxn;
import etcetera.api.storage.WriteBatch;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;

/**
 * etcd's multi-version key-value store over a {@link Backend}: every change is kept under its
 * {@link Revision} in the {@code key} bucket, a {@link KeyIndex} in memory maps keys to their
 * revisions, and compaction removes history nobody may read any more.
 *
 * <h2>Threads</h2>
 * <ul>
 *   <li>The <b>apply thread</b> alone calls {@link #write()}, {@link #compact(long)},
 *       {@link #sharedBatch()}, {@link #commit(long)} and {@link #appliedRevision()}. Its
 *       changes accumulate in one backend write batch (many transactions per batch) that
 *       {@link #commit(long)} commits together with the consistent index.</li>
 *   <li><b>Any thread</b> may call {@link #read()}, the revision getters and the hashes. A read
 *       view sees exactly the last committed revision: never a change that is not yet
 *       committed to the backend, even though the key index may already hold it.</li>
 *   <li>A <b>compaction thread</b> owned by the store removes compacted history from the
 *       backend in steps of {@link MvccOptions#compactionBatchLimit()} records. The writer
 *       lock (held by the apply thread from its first change in a batch until the commit) is
 *       fair, so the apply thread waits for at most one step.</li>
 * </ul>
 *
 * <h2>Backend layout</h2>
 * Bucket {@code key}: {@link Revision} bytes (18 with the tombstone mark) → {@link KeyValueCodec}
 * record. Bucket {@code meta}: {@code consistent_index} (8 bytes, big-endian),
 * {@code scheduledCompactRev} and {@code finishedCompactRev} (17-byte revisions).
 *
 * <p>The caller owns the backend: {@link #close()} does not close it.
 */
public final class MvccStore implements AutoCloseable {

    static final String KEY_BUCKET = "key";
    static final String META_BUCKET = "meta";
    static final byte[] CONSISTENT_INDEX = ascii("consistent_index");
    static final byte[] SCHEDULED_COMPACT = ascii("scheduledCompactRev");
    static final byte[] FINISHED_COMPACT = ascii("finishedCompactRev");

    private static final System.Logger LOG = System.getLogger("etcetera.server.mvcc");
    private static final long NONE = Long.MIN_VALUE;

    /** What readers see: changed only by the apply thread, right after a backend commit. */
    private record Committed(long revision, long compactRevision, long consistentIndex) {
    }

    private final Backend backend;
    private final MvccOptions options;
    final KeyIndex index = new KeyIndex();
    private final ReentrantLock writerLock = new ReentrantLock(true);
    private final ExecutorService compactor;
    private volatile Committed committed;
    private volatile boolean closed;

    // Owned by the apply thread.
    private WriteBatch batch;
    private WriteTxn txn;
    private boolean dirty;
    private long writerRevision;
    private long writerCompactRevision;
    private long pendingCompaction = NONE;
    private final List<CompletableFuture<Void>> pendingDone = new ArrayList<>();

    private MvccStore(Backend backend, MvccOptions options) {
        this.backend = backend;
        this.options = options;
        this.compactor = Executors.newSingleThreadExecutor(
                task -> Thread.ofPlatform().name("mvcc-compaction").daemon().unstarted(task));
    }

    /** Opens the store kept in {@code backend} with default options. */
    public static MvccStore open(Backend backend) {
        return open(backend, MvccOptions.defaults());
    }

    /**
     * Opens the store kept in {@code backend} (creating its buckets if new), rebuilds the key
     * index from the backend, and resumes a compaction that was recorded but not finished.
     */
    public static MvccStore open(Backend backend, MvccOptions options) {
        MvccStore store = new MvccStore(backend, options);
        try {
            store.restore();
        } catch (RuntimeException e) {
            store.compactor.shutdownNow();
            throw e;
        }
        return store;
    }

    private void restore() {
        try (ReadTxn txn = backend.read()) {
            if (!txn.buckets().containsAll(List.of(KEY_BUCKET, META_BUCKET))) {
                try (WriteBatch b = backend.write()) {
                    b.createBucket(KEY_BUCKET);
                    b.createBucket(META_BUCKET);
                    b.commit();
                }
            }
        }
        try (ReadTxn txn = backend.read()) {
            long consistentIndex = txn.get(META_BUCKET, CONSISTENT_INDEX).map(MvccStore::getLong).orElse(0L);
            long finished = txn.get(META_BUCKET, FINISHED_COMPACT).map(b -> Revision.fromBytes(b).main()).orElse(-1L);
            long scheduled = txn.get(META_BUCKET, SCHEDULED_COMPACT).map(b -> Revision.fromBytes(b).main()).orElse(-1L);
            long[] last = {1};
            txn.scan(KEY_BUCKET, new byte[0], null, false, (key, value) -> {
                Revision rev = Revision.fromBytes(key);
                index.restore(KeyValueCodec.decode(value), rev, Revision.isTombstone(key));
                last[0] = rev.main();
                return true;
            });
            // Compaction may have removed the newest records (tombstones at the compaction
            // revision), so the compaction revisions bound the current revision from below.
            long compactRevision = Math.max(finished, scheduled);
            writerRevision = Math.max(last[0], compactRevision);
            writerCompactRevision = compactRevision;
            index.markCompacted(compactRevision);
            committed = new Committed(writerRevision, compactRevision, consistentIndex);
            if (scheduled > finished) {
                LOG.log(Level.INFO, "mvcc: resuming interrupted compaction revision={0} finished={1}", scheduled, finished);
                scheduleCompaction(scheduled, List.of());
            }
        }
    }

    /** The last committed revision (1 for a new store). */
    public long currentRevision() {
        return committed.revision();
    }

    /** The last committed compaction revision, -1 if the store was never compacted. */
    public long compactRevision() {
        return committed.compactRevision();
    }

    /** The log index last passed to {@link #commit(long)} (0 for a new store). */
    public long consistentIndex() {
        return committed.consistentIndex();
    }

    /**
     * The revision including the apply thread's ended but not yet committed transactions.
     * Apply thread only.
     */
    public long appliedRevision() {
        return writerRevision;
    }

    /** Opens a view at the last committed revision. Any thread; close it when done. */
    public ReadView read() {
        checkOpen();
        Committed now = committed;
        // Opened after reading the revision, so the backend view holds that revision's records.
        return new CommittedView(index, backend.read(), now.revision());
    }

    /**
     * Opens the write transaction. Apply thread only; one at a time.
     *
     * @throws IllegalStateException if a transaction is open or the store is closed
     */
    public WriteTxn write() {
        checkOpen();
        if (txn != null) {
            throw new IllegalStateException("a write transaction is already open");
        }
        txn = new WriteTxn(this, currentBatch(), writerRevision);
        return txn;
    }

    /** Called by {@link WriteTxn#end()}. */
    void ended(WriteTxn ending, boolean changed) {
        if (txn != ending) {
            throw new IllegalStateException("ending a write transaction that is not the open one");
        }
        txn = null;
        if (changed) {
            writerRevision++;
            dirty = true;
        } else if (!dirty && !closed) {
            releaseBatch();
        }
    }

    /** The compaction revision the writer checks against: includes a compaction not yet committed. */
    long writerCompactRevision() {
        return writerCompactRevision;
    }

    /**
     * The current write batch, for the apply thread's other stores (lease, auth, membership):
     * their changes commit with the next {@link #commit(long)}. The {@code key} and
     * {@code meta} buckets are refused, and so are {@code commit()} and {@code close()}.
     * Apply thread only; valid until that commit.
     */
    public WriteBatch sharedBatch() {
        checkOpen();
        WriteBatch current = currentBatch();
        dirty = true;
        return new SharedBatch(current);
    }

    /**
     * Commits everything applied since the last commit, with {@code appliedIndex} as the
     * consistent index, in one backend commit; then makes it visible to new readers and
     * starts the physical part of a compaction accepted in this batch. Apply thread only.
     */
    public void commit(long appliedIndex) {
        checkOpen();
        if (txn != null) {
            throw new IllegalStateException("commit with a write transaction open; end it first");
        }
        Committed before = committed;
        if (!dirty && appliedIndex == before.consistentIndex()) {
            return;
        }
        WriteBatch current = currentBatch();
        current.put(META_BUCKET, CONSISTENT_INDEX, putLong(appliedIndex));
        current.commit();
        releaseBatch();
        long compactRevision = before.compactRevision();
        if (pendingCompaction != NONE) {
            compactRevision = pendingCompaction;
            index.markCompacted(compactRevision);
        }
        committed = new Committed(writerRevision, compactRevision, appliedIndex);
        if (pendingCompaction != NONE) {
            scheduleCompaction(pendingCompaction, List.copyOf(pendingDone));
            pendingCompaction = NONE;
            pendingDone.clear();
        }
    }

    /**
     * Compacts the history at {@code revision}: afterwards reads before it fail with
     * COMPACTED, reads at it or later are unchanged. The compaction is recorded in the
     * current batch; at the next {@link #commit(long)} it takes effect for readers and the
     * store starts removing the history from the backend in the background. Apply thread only.
     *
     * @throws MvccException COMPACTED if {@code revision <= compactRevision}, FUTURE_REVISION
     *     if it is after the applied revision
     */
    public CompactionResult compact(long revision) {
        checkOpen();
        if (txn != null) {
            throw new IllegalStateException("compact with a write transaction open; end it first");
        }
        if (revision <= writerCompactRevision) {
            throw MvccException.compacted(writerCompactRevision);
        }
        if (revision > writerRevision) {
            throw MvccException.futureRevision(writerRevision);
        }
        WriteBatch current = currentBatch();
        current.put(META_BUCKET, SCHEDULED_COMPACT, new Revision(revision, 0).toBytes());
        dirty = true;
        writerCompactRevision = revision;
        pendingCompaction = revision;
        CompletableFuture<Void> done = new CompletableFuture<>();
        pendingDone.add(done);
        return new CompactionResult(revision, done);
    }

    /**
     * Replaces the whole backend with a snapshot image in the engine-neutral format (a
     * follower installing its leader's snapshot), durably, then reloads the key index and the
     * revisions from it. Waits for running compactions first. Apply thread only, with
     * everything applied so far committed; uncommitted changes are discarded.
     *
     * @throws etcetera.api.storage.StorageException if the image is truncated or corrupt; the
     *     backend is then unchanged
     */
    public void replaceWith(InputStream image) {
        checkOpen();
        if (batch != null) {
            txn = null;
            dirty = false;
            releaseBatch();
        }
        compactionsDone().join();
        writerLock.lock();
        try (WriteBatch b = backend.write()) {
            for (String bucket : b.buckets()) {
                b.deleteBucket(bucket);
            }
            SnapshotFormat.read(image, new SnapshotFormat.Sink() {
                @Override
                public void bucket(String name) {
                    b.createBucket(name);
                }

                @Override
                public void entry(String bucket, byte[] key, byte[] value) {
                    b.put(bucket, key, value);
                }
            }, Progress.none());
            b.commit();
        } finally {
            writerLock.unlock();
        }
        backend.sync();
        pendingCompaction = NONE;
        pendingDone.clear();
        index.clear();
        restore();
    }

    /**
     * A future that completes when every compaction started so far (committed, or resumed by
     * {@link #open}) has finished removing its history from the backend. The apply thread
     * must not wait for it with a batch open (the compactor needs the writer lock).
     */
    public CompletableFuture<Void> compactionsDone() {
        if (writerLock.isHeldByCurrentThread()) {
            throw new IllegalStateException("waiting for compactions with a write batch open would deadlock; commit first");
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            compactor.execute(() -> done.complete(null));
        } catch (RejectedExecutionException e) {
            done.cancel(false);
        }
        return done;
    }

    private void scheduleCompaction(long revision, List<CompletableFuture<Void>> done) {
        try {
            compactor.execute(() -> runCompaction(revision, done));
        } catch (RejectedExecutionException e) {
            done.forEach(d -> d.cancel(false));
        }
    }

    /** On the compaction thread: compacts the index, then deletes from the backend step by step. */
    private void runCompaction(long revision, List<CompletableFuture<Void>> done) {
        long started = System.nanoTime();
        try {
            int limit = options.compactionBatchLimit();
            Set<Revision> keep = index.compact(revision, limit);
            byte[] from = new byte[0];
            byte[] to = Revision.startOf(revision + 1);
            long deleted = 0;
            while (true) {
                if (closed) {
                    done.forEach(d -> d.cancel(false));
                    return;
                }
                writerLock.lock();
                try (WriteBatch b = backend.write()) {
                    List<byte[]> step = new ArrayList<>(limit);
                    b.scan(KEY_BUCKET, from, to, false, (key, value) -> {
                        step.add(key);
                        return step.size() < limit;
                    });
                    for (byte[] key : step) {
                        if (!keep.contains(Revision.fromBytes(key))) {
                            b.delete(KEY_BUCKET, key);
                            deleted++;
                        }
                    }
                    boolean last = step.size() < limit;
                    if (last) {
                        b.put(META_BUCKET, FINISHED_COMPACT, new Revision(revision, 0).toBytes());
                    }
                    b.commit();
                    if (last) {
                        break;
                    }
                    from = Arrays.copyOf(step.getLast(), step.getLast().length + 1);
                } finally {
                    writerLock.unlock();
                }
            }
            LOG.log(Level.DEBUG, "mvcc: finished compaction revision={0} deleted={1} tookMs={2}",
                    revision, deleted, (System.nanoTime() - started) / 1_000_000);
            done.forEach(d -> d.complete(null));
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "mvcc: compaction failed revision=" + revision
                    + "; it is resumed when the store is next opened", e);
            done.forEach(d -> d.completeExceptionally(e));
        }
    }

    /**
     * The changes made at committed revisions {@code fromRevision..toRevision}, in revision
     * order, read back from the backend for a watcher that is catching up (etcd's unsynced
     * watchers). Events carry no {@code prevKv}. Any thread.
     *
     * @param toRevision the last revision wanted; {@code <= 0} or beyond the committed revision
     *     means up to the committed revision
     * @throws MvccException COMPACTED if {@code fromRevision < compactRevision} (as etcd, a start
     *     at exactly the compaction revision is allowed: its puts survive, its deletes may not)
     */
    public List<Event> changes(long fromRevision, long toRevision) {
        checkOpen();
        Committed now = committed;
        if (fromRevision < now.compactRevision()) {
            throw MvccException.compacted(now.compactRevision());
        }
        long to = toRevision <= 0 || toRevision > now.revision() ? now.revision() : toRevision;
        List<Event> events = new ArrayList<>();
        if (fromRevision > to) {
            return events;
        }
        try (ReadTxn txn = backend.read()) {
            txn.scan(KEY_BUCKET, Revision.startOf(Math.max(fromRevision, 0)), Revision.startOf(to + 1), false, (key, value) -> {
                KeyValue kv = KeyValueCodec.decode(value);
                events.add(new Event(Revision.isTombstone(key) ? Event.Type.DELETE : Event.Type.PUT, kv, Optional.empty()));
                return true;
            });
        }
        return events;
    }

    /** CRC-32C of every bucket of the committed backend except the consistent index (etcd's Hash). */
    public long hash() {
        checkOpen();
        CRC32C crc = new CRC32C();
        try (ReadTxn txn = backend.read()) {
            for (String bucket : txn.buckets()) {
                crc.update(bucket.getBytes(StandardCharsets.UTF_8));
                boolean meta = bucket.equals(META_BUCKET);
                txn.scan(bucket, new byte[0], null, false, (key, value) -> {
                    if (!(meta && Arrays.equals(key, CONSISTENT_INDEX))) {
                        crc.update(key);
                        crc.update(value);
                    }
                    return true;
                });
            }
        }
        return crc.getValue();
    }

    /**
     * CRC-32C of the key bucket's records up to {@code revision} (0 for the current one),
     * leaving out history at or before the compaction revision that compaction removes, so
     * that members agree whether or not their compaction has finished (etcd's HashKV).
     *
     * @throws MvccException COMPACTED if {@code 0 < revision <= compactRevision},
     *     FUTURE_REVISION if it is after the committed revision
     */
    public KvHash hashKV(long revision) {
        checkOpen();
        Committed now = committed;
        if (revision > 0 && revision <= now.compactRevision()) {
            throw MvccException.compacted(now.compactRevision());
        }
        if (revision > now.revision()) {
            throw MvccException.futureRevision(now.revision());
        }
        long at = revision <= 0 ? now.revision() : revision;
        Set<Revision> keep = index.keep(at);
        CRC32C crc = new CRC32C();
        crc.update(KEY_BUCKET.getBytes(StandardCharsets.UTF_8));
        try (ReadTxn txn = backend.read()) {
            txn.scan(KEY_BUCKET, new byte[0], Revision.startOf(at + 1), false, (key, value) -> {
                Revision rev = Revision.fromBytes(key);
                if (rev.main() > now.compactRevision() || keep.contains(rev)) {
                    crc.update(key);
                    crc.update(value);
                }
                return true;
            });
        }
        return new KvHash(crc.getValue(), now.revision(), now.compactRevision());
    }

    /**
     * Stops the compaction thread (an unfinished compaction resumes at the next open) and
     * discards uncommitted changes. Call from the apply thread once it has stopped applying.
     * Does not close the backend.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        txn = null;
        if (batch != null) {
            releaseBatch();
        }
        pendingDone.forEach(d -> d.cancel(false));
        pendingDone.clear();
        compactor.shutdown();
        try {
            if (!compactor.awaitTermination(30, TimeUnit.SECONDS)) {
                compactor.shutdownNow();
                LOG.log(Level.WARNING, "mvcc: compaction thread did not stop within 30s");
            }
        } catch (InterruptedException e) {
            compactor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private WriteBatch currentBatch() {
        if (batch == null) {
            writerLock.lock();
            try {
                batch = backend.write();
            } catch (RuntimeException e) {
                writerLock.unlock();
                throw e;
            }
        } else if (!writerLock.isHeldByCurrentThread()) {
            throw new IllegalStateException("the MVCC write path is owned by the apply thread; called from "
                    + Thread.currentThread().getName());
        }
        return batch;
    }

    /** Closes the current batch (discarding anything uncommitted) and lets the compactor in. */
    private void releaseBatch() {
        try {
            batch.close();
        } finally {
            batch = null;
            dirty = false;
            writerLock.unlock();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the MVCC store is closed");
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] putLong(long value) {
        byte[] out = new byte[8];
        for (int i = 7; i >= 0; i--) {
            out[i] = (byte) value;
            value >>>= 8;
        }
        return out;
    }

    private static long getLong(byte[] in) {
        if (in.length != 8) {
            throw new IllegalStateException("corrupt consistent index in the backend (" + in.length + " bytes)");
        }
        long value = 0;
        for (byte b : in) {
            value = (value << 8) | (b & 0xFF);
        }
        return value;
    }

    /** For tests: the generations the key index holds for {@code key}. */
    List<List<Revision>> generations(byte[] key) {
        return index.generations(key);
    }

    /** For tests: how many keys the key index holds. */
    int indexedKeys() {
        return index.size();
    }

    /** The version of {@code key} at the committed revision, if the key exists. Any thread. */
    public Optional<KeyValue> get(byte[] key) {
        try (ReadView view = read()) {
            List<KeyValue> kvs = view.range(key, new byte[0], 0, 0, false).kvs();
            return kvs.isEmpty() ? Optional.empty() : Optional.of(kvs.getFirst());
        }
    }
}
