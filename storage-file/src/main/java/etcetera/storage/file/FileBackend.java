package etcetera.storage.file;

import etcetera.api.storage.Backend;
import etcetera.api.storage.BackendOptions;
import etcetera.api.storage.Progress;
import etcetera.api.storage.ReadTxn;
import etcetera.api.storage.StorageException;
import etcetera.api.storage.WriteBatch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.Semaphore;

/**
 * A backend kept in one directory: the append-only data file {@value #DATA}, and the lock
 * file {@value #LOCK} that keeps a second backend (in this or another process) off it.
 *
 * <p>The current {@link Committed} state sits in a volatile field: readers take it without
 * locking, the writer replaces it on commit. One permit admits one write batch at a time;
 * defragment takes the same permit, so it runs between batches.
 */
final class FileBackend implements Backend {

    static final String DATA = "data.log";
    static final String COMPACT = "data.log.compact";
    static final String LOCK = "LOCK";

    /** Defragment writes the live data in frames of about this size. */
    private static final int DEFRAGMENT_FRAME_BYTES = 1 << 20;
    private static final byte[] FIRST_KEY = new byte[0];
    private static final System.Logger LOG = System.getLogger(FileBackend.class.getName());

    private final Path directory;
    private final BackendOptions options;
    private final FileChannel lockChannel;
    private final Semaphore writerTurn = new Semaphore(1);
    private volatile Committed committed;
    private volatile boolean closed;

    private FileBackend(Path directory, BackendOptions options, FileChannel lockChannel, Committed committed) {
        this.directory = directory;
        this.options = options;
        this.lockChannel = lockChannel;
        this.committed = committed;
    }

    static FileBackend open(Path directory, BackendOptions options) {
        FileChannel lockChannel = null;
        try {
            Files.createDirectories(directory);
            lockChannel = lock(directory);
            Files.deleteIfExists(directory.resolve(COMPACT));
            Path path = directory.resolve(DATA);
            boolean created = !Files.exists(path);
            FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            DataFile file = new DataFile(path, channel);
            try {
                long length = file.length();
                if (length < LogFormat.FILE_HEADER_SIZE) {
                    // new, or cut short while it was being created: nothing was committed yet
                    file.truncate(0);
                    writeHeader(file);
                    file.force();
                    length = LogFormat.FILE_HEADER_SIZE;
                    if (created) {
                        forceDirectory(directory);
                    }
                }
                checkHeader(file);
                LogReplay replay = new LogReplay(file, length);
                long end = replay.run();
                Draft draft = replay.draft();
                if (end < length) {
                    // a torn tail: the frame being written when the process or machine died
                    LOG.log(System.Logger.Level.WARNING, "component=storage-file event=torn-tail-truncated file={0} "
                            + "committedBytes={1} droppedBytes={2} (an unfinished batch from a crash; nothing acknowledged "
                            + "with sync on is lost)", path, end, length - end);
                    file.truncate(end);
                    file.force();
                }
                file.mapUpTo(end);
                return new FileBackend(directory, options, lockChannel, draft.freeze(file, end));
            } catch (IOException | RuntimeException e) {
                file.release();
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            if (lockChannel != null) {
                try {
                    lockChannel.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            if (e instanceof StorageException se) {
                throw se;
            }
            throw new StorageException("cannot open the file backend in " + directory + ": " + e.getMessage(), e);
        }
    }

    private static FileChannel lock(Path directory) throws IOException {
        FileChannel channel = FileChannel.open(directory.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw new StorageException("the backend in " + directory + " is in use by another process");
            }
            return channel;
        } catch (OverlappingFileLockException e) {
            channel.close();
            throw new StorageException("the backend in " + directory + " is already open in this process", e);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static void writeHeader(DataFile file) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(LogFormat.FILE_HEADER_SIZE);
        header.put(LogFormat.MAGIC).putInt(LogFormat.VERSION).putInt(0);
        file.write(header.array(), LogFormat.FILE_HEADER_SIZE, 0);
    }

    private static void checkHeader(DataFile file) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(LogFormat.FILE_HEADER_SIZE);
        file.readUpTo(header, 0);
        header.flip();
        byte[] magic = new byte[LogFormat.MAGIC.length];
        header.get(magic);
        if (!Arrays.equals(magic, LogFormat.MAGIC)) {
            throw new StorageException(file.path + " is not an Etcetera file backend (bad magic)");
        }
        int version = header.getInt();
        if (version != LogFormat.VERSION) {
            throw new StorageException(file.path + " has format version " + version + "; this build reads " + LogFormat.VERSION);
        }
    }

    /** Makes a rename or a file creation in {@code directory} durable. */
    private static void forceDirectory(Path directory) throws IOException {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            // Some platforms cannot open a directory as a channel; there the rename is what we have.
            if (System.getProperty("os.name", "").startsWith("Windows")) {
                return;
            }
            throw e;
        }
    }

    @Override
    public ReadTxn read() {
        while (true) {
            ensureOpen();
            Committed state = committed;
            if (state.file().tryRetain()) {
                return new FileReadTxn(state);
            }
            // defragment let go of that file just now: the next state is already published
        }
    }

    @Override
    public WriteBatch write() {
        ensureOpen();
        acquireWriterTurn();
        if (closed) {
            writerTurn.release();
            throw new StorageException("the backend is closed");
        }
        return new FileWriteBatch(this, committed, options.syncOnCommit());
    }

    @Override
    public void sync() {
        ensureOpen();
        try {
            committed.file().force();
        } catch (IOException e) {
            throw new StorageException("fsync of the backend in " + directory + " failed: " + e.getMessage(), e);
        }
    }

    void publish(Committed state) {
        committed = state;
    }

    void writerDone() {
        writerTurn.release();
    }

    @Override
    public long size() {
        return committed.end();
    }

    @Override
    public long sizeInUse() {
        return Math.min(committed.liveBytes(), committed.end());
    }

    @Override
    public void defragment(Progress progress) {
        ensureOpen();
        acquireWriterTurn();
        try {
            Committed current = committed;
            Path compact = directory.resolve(COMPACT);
            Files.deleteIfExists(compact);
            DataFile next = new DataFile(directory.resolve(DATA),
                    FileChannel.open(compact, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE));
            try {
                writeHeader(next);
                Draft draft = new Draft();
                // whole frames of about a megabyte each: the rename, not the frames, makes it atomic
                FrameWriter frame = new FrameWriter(next, LogFormat.FILE_HEADER_SIZE, Integer.MAX_VALUE);
                long total = current.liveBytes();
                for (Committed.BucketRoot bucket : current.buckets().values()) {
                    Draft.Bucket copy = draft.createBucket(bucket.name());
                    frame.createBucket(copy.id, bucket.name());
                    KeyTree.scan(bucket.root(), FIRST_KEY, null, false, (key, offset, length) -> {
                        byte[] value = current.file().read(offset, length);
                        // Keys are never changed once in a tree, so the new tree shares them.
                        draft.put(copy, key, frame.put(copy.id, key, value), length);
                        if (frame.pendingBytes() >= DEFRAGMENT_FRAME_BYTES) {
                            flush(frame);
                            progress.update(frame.base(), total);
                        }
                        return true;
                    });
                }
                long end = frame.isEmpty() ? frame.base() : flush(frame);
                next.force();
                next.mapUpTo(end);
                Files.move(compact, directory.resolve(DATA), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                // From here on the new file is data.log: switch to it whatever happens next,
                // or later commits would go to the old, unlinked file and vanish on restart.
                committed = draft.freeze(next, end);
            } catch (IOException | RuntimeException e) {
                next.release();
                Files.deleteIfExists(compact);
                throw e;
            }
            current.file().release();
            forceDirectory(directory);
            progress.update(committed.end(), committed.end());
        } catch (IOException | UncheckedIOException e) {
            throw new StorageException("defragment of " + directory + " failed: " + e.getMessage(), e);
        } finally {
            writerTurn.release();
        }
    }

    private static long flush(FrameWriter frame) {
        try {
            return frame.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        committed.file().release();
        try {
            lockChannel.close();
        } catch (IOException e) {
            throw new StorageException("closing the lock file in " + directory + " failed", e);
        }
    }

    private void acquireWriterTurn() {
        try {
            writerTurn.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted while waiting for the write batch", e);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new StorageException("the backend is closed");
        }
    }
}
