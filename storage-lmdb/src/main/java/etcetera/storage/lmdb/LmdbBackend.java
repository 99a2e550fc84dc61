package etcetera.storage.lmdb;

import etcetera.api.storage.Backend;
import etcetera.api.storage.BackendOptions;
import etcetera.api.storage.Progress;
import etcetera.api.storage.ReadTxn;
import etcetera.api.storage.StorageException;
import etcetera.api.storage.WriteBatch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.StampedLock;
import java.util.stream.Stream;
import org.lmdbjava.Cursor;
import org.lmdbjava.EnvInfo;
import org.lmdbjava.LmdbException;
import org.lmdbjava.PutFlags;
import org.lmdbjava.Stat;
import org.lmdbjava.Txn;

/**
 * A backend kept in one LMDB environment ({@code data.mdb} and {@code lock.mdb} in its
 * directory).
 *
 * <p>The memory map: LMDB must not move its map while any transaction of this process is
 * open, so every transaction holds a read permit of {@link #map} while open, and the map is
 * grown under its write permit: ahead of need after a commit when it is half used and no
 * transaction is open, or, when LMDB reports the map full, by the write batch after it has
 * dropped its transaction (waiting a bounded time for readers to finish). The map is address
 * space, not disk: the file grows only with the pages written.
 *
 * <p>Threads: readers from any thread; the single write batch is handed out under
 * {@link #writer}, whose holder also owns {@link #nextBucketId}. {@link #defragment} holds the
 * writer permit while it copies, and the map's write permit while it swaps the file.
 */
final class LmdbBackend implements Backend {

    private static final String DATA_FILE = "data.mdb";
    private static final String DEFRAGMENT_DIR = "defragment.tmp";
    private static final long MAP_ALIGNMENT = 1L << 20;
    /** How long a full map waits for open read transactions before the write fails. */
    private static final long GROW_WAIT_SECONDS = 60;
    /** Bytes the defragment copies per write transaction: bounds LMDB's dirty page list. */
    private static final long DEFRAGMENT_TXN_BYTES = 16L << 20;

    private final Path directory;
    private final BackendOptions options;
    private final FileChannel lockChannel;
    private final Semaphore writer = new Semaphore(1, true);
    private final StampedLock map = new StampedLock();
    private final long pageSize;
    private volatile LmdbDatabases databases;
    private volatile boolean closed;
    private int nextBucketId;

    private LmdbBackend(Path directory, BackendOptions options, FileChannel lockChannel, LmdbDatabases databases) {
        this.directory = directory;
        this.options = options;
        this.lockChannel = lockChannel;
        this.databases = databases;
        this.pageSize = databases.env().stat().pageSize;
        this.nextBucketId = firstFreeBucketId(databases);
    }

    static LmdbBackend open(Path directory, BackendOptions options, long initialMapBytes) {
        FileChannel lockChannel = null;
        try {
            Files.createDirectories(directory);
            lockChannel = FileChannel.open(directory.resolve("backend.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = lockChannel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new StorageException("lmdb: " + directory + " is already open in this or another process");
            }
            // what an interrupted defragment left behind; the data file it would have replaced is intact
            deleteTree(directory.resolve(DEFRAGMENT_DIR));
            Path data = directory.resolve(DATA_FILE);
            long existing = Files.exists(data) ? Files.size(data) : 0;
            long mapBytes = align(Math.max(initialMapBytes, 2 * existing));
            return new LmdbBackend(directory, options, lockChannel, LmdbDatabases.open(directory, options.syncOnCommit(), mapBytes));
        } catch (IOException | LmdbException | StorageException e) {
            closeQuietly(lockChannel);
            if (e instanceof StorageException storage) {
                throw storage;
            }
            throw new StorageException("lmdb: cannot open " + directory + ": " + e.getMessage(), e);
        }
    }

    @Override
    public ReadTxn read() {
        checkOpen();
        long stamp = holdMap();
        try {
            return new LmdbReadTxn(this, databases, stamp);
        } catch (LmdbException e) {
            releaseMap(stamp);
            throw LmdbView.failure("beginning a read transaction", e);
        }
    }

    @Override
    public WriteBatch write() {
        checkOpen();
        acquireWriter();
        return new LmdbWriteBatch(this, databases);
    }

    @Override
    public void sync() {
        checkOpen();
        long stamp = holdMap();
        try {
            databases.env().sync(true);
        } catch (LmdbException e) {
            throw LmdbView.failure("sync", e);
        } finally {
            releaseMap(stamp);
        }
    }

    @Override
    public long size() {
        try {
            return Files.size(directory.resolve(DATA_FILE));
        } catch (IOException e) {
            throw new StorageException("lmdb: cannot tell the size of " + directory.resolve(DATA_FILE), e);
        }
    }

    /** The pages of the three B+trees (the catalogue and our two databases) and the two meta pages. */
    @Override
    public long sizeInUse() {
        try (LmdbReadTxn txn = (LmdbReadTxn) read()) {
            long pages = 2 + pages(txn.databases.env().stat())
                    + pages(txn.databases.buckets().stat(txn.txn()))
                    + pages(txn.databases.data().stat(txn.txn()));
            return pages * pageSize;
        } catch (LmdbException e) {
            throw LmdbView.failure("reading page statistics", e);
        }
    }

    /**
     * Copies every entry, in key order, into a fresh environment (appending, so pages are packed
     * full), then swaps its file in for the old one. Writers wait for the whole run; readers only
     * for the swap, which first waits for the readers open before it.
     *
     * @param progress told the entries copied of those there are
     */
    @Override
    public void defragment(Progress progress) {
        checkOpen();
        acquireWriter();
        try {
            Path work = directory.resolve(DEFRAGMENT_DIR);
            deleteTree(work);
            Files.createDirectories(work);
            long mapBytes = databases.env().info().mapSize;
            try (LmdbReadTxn source = (LmdbReadTxn) read()) {
                LmdbDatabases target = LmdbDatabases.open(work, false, mapBytes);
                try {
                    long total = source.databases.buckets().stat(source.txn()).entries + source.databases.data().stat(source.txn()).entries;
                    long done = copy(source, source.databases.buckets(), target, target.buckets(), 0, total, progress);
                    copy(source, source.databases.data(), target, target.data(), done, total, progress);
                    target.env().sync(true);
                } finally {
                    target.env().close();
                }
            }
            long stamp = map.writeLock();
            try {
                databases.env().close();
                Files.move(work.resolve(DATA_FILE), directory.resolve(DATA_FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                syncDirectory(directory);
                databases = LmdbDatabases.open(directory, options.syncOnCommit(), mapBytes);
            } finally {
                map.unlockWrite(stamp);
            }
            deleteTree(work);
        } catch (IOException e) {
            throw new StorageException("lmdb: defragment of " + directory + " failed: " + e.getMessage(), e);
        } catch (LmdbException e) {
            throw LmdbView.failure("defragment", e);
        } finally {
            writer.release();
        }
    }

    private static long copy(LmdbReadTxn source, org.lmdbjava.Dbi<byte[]> from, LmdbDatabases target, org.lmdbjava.Dbi<byte[]> to,
                             long doneBefore, long total, Progress progress) {
        long done = doneBefore;
        long bytesInTxn = 0;
        Txn<byte[]> txn = target.env().txnWrite();
        try (Cursor<byte[]> cursor = from.openCursor(source.txn())) {
            for (boolean more = cursor.first(); more; more = cursor.next()) {
                byte[] key = cursor.key();
                byte[] value = cursor.val();
                to.put(txn, key, value, PutFlags.MDB_APPEND);
                bytesInTxn += key.length + value.length;
                if (++done % 1024 == 0) {
                    progress.update(done, total);
                }
                if (bytesInTxn >= DEFRAGMENT_TXN_BYTES) {
                    txn.commit();
                    txn.close();
                    txn = target.env().txnWrite();
                    bytesInTxn = 0;
                }
            }
            txn.commit();
        } finally {
            txn.close();
        }
        progress.update(done, total);
        return done;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            databases.env().close();
        } finally {
            closeQuietly(lockChannel);
        }
    }

    // ---------------------------------------------------------------- for the transactions

    /** A permit that keeps the map where it is; every open LMDB transaction holds one. */
    long holdMap() {
        return map.readLock();
    }

    void releaseMap(long stamp) {
        map.unlockRead(stamp);
    }

    /** Called by the write batch when it closes. */
    void batchClosed() {
        writer.release();
    }

    /** A bucket id never used by a live bucket. Writer only. */
    int allocateBucketId() {
        return nextBucketId++;
    }

    /**
     * Doubles the map once no transaction is open. Called by the write batch, without a
     * transaction of its own, when LMDB reported the map full.
     *
     * @throws StorageException if read transactions stay open too long
     */
    void growMap() {
        long stamp;
        try {
            stamp = map.tryWriteLock(GROW_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("lmdb: interrupted while waiting to grow the full map");
        }
        if (stamp == 0) {
            throw new StorageException("lmdb: the map is full and cannot grow while read transactions stay open (waited "
                    + GROW_WAIT_SECONDS + " s)");
        }
        try {
            resizeMap(databases.env().info().mapSize * 2);
        } finally {
            map.unlockWrite(stamp);
        }
    }

    /** After each commit: grows the map ahead of need when it is half used, if no transaction is open right now. */
    void committed() {
        EnvInfo info = databases.env().info();
        long used = (info.lastPageNumber + 1) * pageSize;
        if (used * 2 <= info.mapSize) {
            return;
        }
        long stamp = map.tryWriteLock();
        if (stamp != 0) {
            try {
                resizeMap(info.mapSize * 2);
            } finally {
                map.unlockWrite(stamp);
            }
        }
    }

    private void resizeMap(long bytes) {
        try {
            databases.env().setMapSize(align(bytes));
        } catch (LmdbException e) {
            throw LmdbView.failure("growing the map to " + bytes + " bytes", e);
        }
    }

    // ---------------------------------------------------------------- helpers

    private void acquireWriter() {
        try {
            writer.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("lmdb: interrupted while waiting for the write batch");
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the backend is closed");
        }
    }

    private static int firstFreeBucketId(LmdbDatabases databases) {
        int max = 0;
        try (Txn<byte[]> txn = databases.env().txnRead(); Cursor<byte[]> cursor = databases.buckets().openCursor(txn)) {
            for (boolean more = cursor.first(); more; more = cursor.next()) {
                max = Math.max(max, KeyLayout.id(cursor.val()));
            }
        }
        return max + 1;
    }

    private static long pages(Stat stat) {
        return stat.branchPages + stat.leafPages + stat.overflowPages;
    }

    private static long align(long bytes) {
        return (bytes + MAP_ALIGNMENT - 1) / MAP_ALIGNMENT * MAP_ALIGNMENT;
    }

    private static void syncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                try {
                    Files.delete(path);
                } catch (NoSuchFileException e) {
                    // gone already
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // closing the lock file releases the lock either way
            }
        }
    }
}
