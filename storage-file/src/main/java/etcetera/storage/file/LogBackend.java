package etcetera.storage.file;

import etcetera.api.storage.Backend;
import etcetera.api.storage.BackendOptions;
import etcetera.api.storage.EntryVisitor;
import etcetera.api.storage.Progress;
import etcetera.api.storage.ReadTxn;
import etcetera.api.storage.StorageException;
import etcetera.api.storage.WriteBatch;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;

/**
 * A backend kept as an append-only log file ({@code data.log}) of committed batches plus an
 * in-memory multi-versioned index (see the package documentation for why).
 *
 * <p>Record: {@code length(int) crc32c(int) payload}; payload: operations, each
 * {@code op(byte) bucket(short length, UTF-8) [key(int length, bytes) [value(int length, bytes)]]}.
 *
 * <p>Threads: any thread may read; the holder of the write permit (one {@link LogBatch} at a
 * time) appends and publishes; {@link #committed} is the publication point readers start from.
 */
final class LogBackend implements Backend {

    private static final Logger LOG = System.getLogger("etcetera.storage.file");

    static final byte OP_PUT = 1;
    static final byte OP_DELETE = 2;
    static final byte OP_CREATE_BUCKET = 3;
    static final byte OP_DELETE_BUCKET = 4;
    private static final int HEADER = 8;
    private static final int MAX_RECORD = Integer.MAX_VALUE - 64;
    static final Comparator UNSIGNED = new Comparator();

    /** Orders keys by unsigned bytes. */
    static final class Comparator implements java.util.Comparator<byte[]> {
        @Override
        public int compare(byte[] a, byte[] b) {
            return Arrays.compareUnsigned(a, b);
        }
    }

    /** One version of a value; {@code value == null} marks a deletion. */
    record Version(long sequence, byte[] value, Version older) {
    }

    /** A bucket's keys; {@code created}/{@code deleted} say in which commits it existed. */
    static final class Bucket {
        final ConcurrentSkipListMap<byte[], Version> keys = new ConcurrentSkipListMap<>(UNSIGNED);
        volatile Version existence;
    }

    private final Path directory;
    private final Path file;
    private final BackendOptions options;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private FileChannel channel;
    final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    volatile long committed;
    private final Semaphore writePermit = new Semaphore(1, true);
    /** Sequences of open readers, with how many readers hold each. */
    private final ConcurrentSkipListMap<Long, AtomicLong> readers = new ConcurrentSkipListMap<>();
    private final AtomicLong liveBytes = new AtomicLong();
    private volatile boolean closed;

    private LogBackend(Path directory, BackendOptions options, FileChannel lockChannel, FileLock lock) {
        this.directory = directory;
        this.file = directory.resolve("data.log");
        this.options = options;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    static LogBackend open(Path directory, BackendOptions options) {
        FileChannel lockChannel = null;
        try {
            Files.createDirectories(directory);
            lockChannel = FileChannel.open(directory.resolve("LOCK"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = lockChannel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                lockChannel.close();
                throw new StorageException("backend " + directory + " is already open (by this or another process)");
            }
            LogBackend backend = new LogBackend(directory, options, lockChannel, lock);
            backend.load();
            return backend;
        } catch (IOException e) {
            closeQuietly(lockChannel);
            throw new StorageException("cannot open backend " + directory + ": " + e.getMessage(), e);
        }
    }

    /** Replays the log into memory; cuts a torn tail (an incomplete or CRC-failing last record). */
    private void load() throws IOException {
        channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        long size = channel.size();
        long position = 0;
        ByteBuffer header = ByteBuffer.allocate(HEADER);
        long sequence = 0;
        while (position + HEADER <= size) {
            header.clear();
            readFully(header, position);
            int length = header.getInt(0);
            int crc = header.getInt(4);
            if (length <= 0 || position + HEADER + length > size) {
                break;
            }
            ByteBuffer payload = ByteBuffer.allocate(length);
            readFully(payload, position + HEADER);
            CRC32C check = new CRC32C();
            check.update(payload.array());
            if ((int) check.getValue() != crc) {
                break;
            }
            sequence++;
            applyOps(payload.array(), sequence);
            committed = sequence;
            position += HEADER + length;
        }
        if (position < size) {
            LOG.log(Level.WARNING, "cut a torn tail off the backend log file=" + file + " offset=" + position
                    + " dropped-bytes=" + (size - position) + " (an interrupted commit; it was never acknowledged)");
            channel.truncate(position);
            channel.force(true);
        }
        channel.position(position);
        committed = sequence;
    }

    private void readFully(ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position + buffer.position());
            if (n < 0) {
                throw new IOException("unexpected end of " + file);
            }
        }
        buffer.flip();
    }

    /** Applies a committed payload to the index as sequence {@code sequence}. Writer or loader only. */
    private void applyOps(byte[] payload, long sequence) {
        ByteBuffer in = ByteBuffer.wrap(payload);
        long oldestReader = oldestReaderSequence(sequence);
        while (in.hasRemaining()) {
            byte op = in.get();
            byte[] name = new byte[in.getShort() & 0xFFFF];
            in.get(name);
            String bucketName = new String(name, StandardCharsets.UTF_8);
            switch (op) {
                case OP_CREATE_BUCKET -> {
                    Bucket bucket = buckets.computeIfAbsent(bucketName, n -> new Bucket());
                    bucket.existence = new Version(sequence, name, prune(bucket.existence, oldestReader));
                }
                case OP_DELETE_BUCKET -> {
                    Bucket bucket = buckets.get(bucketName);
                    if (bucket != null) {
                        for (Map.Entry<byte[], Version> entry : bucket.keys.entrySet()) {
                            if (entry.getValue().value() != null) {
                                liveBytes.addAndGet(-(entry.getKey().length + entry.getValue().value().length));
                            }
                            entry.setValue(new Version(sequence, null, prune(entry.getValue(), oldestReader)));
                        }
                        bucket.existence = new Version(sequence, null, prune(bucket.existence, oldestReader));
                    }
                }
                case OP_PUT, OP_DELETE -> {
                    byte[] key = new byte[in.getInt()];
                    in.get(key);
                    byte[] value = null;
                    if (op == OP_PUT) {
                        value = new byte[in.getInt()];
                        in.get(value);
                    }
                    Bucket bucket = buckets.computeIfAbsent(bucketName, n -> new Bucket());
                    Version previous = bucket.keys.get(key);
                    if (previous != null && previous.value() != null) {
                        liveBytes.addAndGet(-(key.length + previous.value().length));
                    }
                    if (value != null) {
                        liveBytes.addAndGet(key.length + value.length);
                    }
                    Version kept = prune(previous, oldestReader);
                    if (value == null && kept == null) {
                        bucket.keys.remove(key);
                    } else {
                        bucket.keys.put(key, new Version(sequence, value, kept));
                    }
                }
                default -> throw new StorageException("corrupt backend log " + file + ": unknown operation " + op);
            }
        }
    }

    /**
     * Drops the versions of a chain that no reader can see any more: a reader at sequence s
     * sees the newest version with sequence <= s, so everything older than the newest version
     * at or below the oldest reader's sequence is garbage.
     */
    private static Version prune(Version chain, long oldestReader) {
        if (chain == null) {
            return null;
        }
        if (chain.sequence() <= oldestReader) {
            return chain.value() == null && chain.older() == null ? chain : new Version(chain.sequence(), chain.value(), null);
        }
        return new Version(chain.sequence(), chain.value(), prune(chain.older(), oldestReader));
    }

    private long oldestReaderSequence(long fallback) {
        Map.Entry<Long, AtomicLong> oldest = readers.firstEntry();
        long oldestSequence = oldest == null ? fallback : Math.min(oldest.getKey(), fallback);
        return Math.min(oldestSequence, committed);
    }

    static Version visible(Version chain, long sequence) {
        Version v = chain;
        while (v != null && v.sequence() > sequence) {
            v = v.older();
        }
        return v;
    }

    // ---- Backend ----------------------------------------------------------------------------

    @Override
    public ReadTxn read() {
        ensureOpen();
        while (true) {
            long sequence = committed;
            readers.computeIfAbsent(sequence, s -> new AtomicLong()).incrementAndGet();
            // Safe once registered while still the latest: every later commit sees the registration.
            if (sequence == committed) {
                return new LogReadTxn(this, sequence);
            }
            release(sequence);
        }
    }

    void release(long sequence) {
        readers.computeIfPresent(sequence, (s, count) -> count.decrementAndGet() <= 0 ? null : count);
    }

    @Override
    public WriteBatch write() {
        ensureOpen();
        try {
            writePermit.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted while waiting for the write batch");
        }
        return new LogBatch(this);
    }

    void releaseWriter() {
        writePermit.release();
    }

    /** Appends an encoded batch and publishes it. Called by the holder of the write permit. */
    void commit(byte[] payload) {
        if (payload.length == 0) {
            return;
        }
        if (payload.length > MAX_RECORD) {
            throw new StorageException("batch too large for one record: " + payload.length + " bytes");
        }
        CRC32C crc = new CRC32C();
        crc.update(payload);
        ByteBuffer record = ByteBuffer.allocate(HEADER + payload.length);
        record.putInt(payload.length).putInt((int) crc.getValue()).put(payload).flip();
        try {
            while (record.hasRemaining()) {
                channel.write(record);
            }
            if (options.syncOnCommit()) {
                channel.force(false);
            }
        } catch (IOException e) {
            throw new StorageException("writing to " + file + " failed: " + e.getMessage(), e);
        }
        long sequence = committed + 1;
        applyOps(payload, sequence);
        committed = sequence;
    }

    @Override
    public long size() {
        try {
            return channel.size();
        } catch (IOException e) {
            throw new StorageException("cannot size " + file, e);
        }
    }

    @Override
    public long sizeInUse() {
        long keys = 0;
        for (Bucket bucket : buckets.values()) {
            keys += bucket.keys.size();
        }
        return liveBytes.get() + keys * 16;
    }

    @Override
    public void defragment(Progress progress) {
        ensureOpen();
        WriteBatch exclusive = write();
        try {
            Path compacted = directory.resolve("data.log.defrag");
            long total = buckets.values().stream().mapToLong(b -> b.keys.size()).sum();
            long done = 0;
            try (FileChannel out = FileChannel.open(compacted, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE)) {
                long sequence = committed;
                for (String name : new TreeMap<>(buckets).keySet()) {
                    Bucket bucket = buckets.get(name);
                    Version exists = visible(bucket.existence, sequence);
                    if (exists == null || exists.value() == null) {
                        continue;
                    }
                    BatchEncoder encoder = new BatchEncoder();
                    encoder.createBucket(name);
                    for (Map.Entry<byte[], Version> entry : bucket.keys.entrySet()) {
                        Version v = visible(entry.getValue(), sequence);
                        if (v != null && v.value() != null) {
                            encoder.put(name, entry.getKey(), v.value());
                        }
                        if (++done % 10_000 == 0) {
                            progress.update(done, total);
                        }
                        if (encoder.size() > 64 << 20) {
                            writeRecord(out, encoder.toBytes());
                            encoder = new BatchEncoder();
                        }
                    }
                    writeRecord(out, encoder.toBytes());
                }
                out.force(true);
            }
            // The compacted file replays to the same state; switch to it atomically.
            channel.close();
            try {
                Files.move(compacted, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(compacted, file, StandardCopyOption.REPLACE_EXISTING);
            }
            syncDirectory();
            channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            channel.position(channel.size());
            progress.update(total, total);
        } catch (IOException e) {
            throw new StorageException("defragmenting " + file + " failed: " + e.getMessage(), e);
        } finally {
            exclusive.close();
        }
    }

    private static void writeRecord(FileChannel out, byte[] payload) throws IOException {
        if (payload.length == 0) {
            return;
        }
        CRC32C crc = new CRC32C();
        crc.update(payload);
        ByteBuffer record = ByteBuffer.allocate(HEADER + payload.length);
        record.putInt(payload.length).putInt((int) crc.getValue()).put(payload).flip();
        while (record.hasRemaining()) {
            out.write(record);
        }
    }

    private void syncDirectory() {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "directory fsync not supported here: " + e.getMessage());
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new StorageException("backend " + directory + " is closed");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            channel.force(true);
            channel.close();
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            throw new StorageException("closing backend " + directory + " failed: " + e.getMessage(), e);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // already failing; the first error is the one reported
            }
        }
    }

    // ---- reads shared by readers and the batch ----------------------------------------------

    boolean bucketExists(String bucket, long sequence) {
        Bucket b = buckets.get(bucket);
        if (b == null) {
            return false;
        }
        Version v = visible(b.existence, sequence);
        return v != null && v.value() != null;
    }

    List<String> bucketNames(long sequence) {
        List<String> names = new ArrayList<>();
        for (String name : new TreeMap<>(buckets).keySet()) {
            if (bucketExists(name, sequence)) {
                names.add(name);
            }
        }
        return names;
    }

    Optional<byte[]> get(String bucket, byte[] key, long sequence) {
        if (!bucketExists(bucket, sequence)) {
            return Optional.empty();
        }
        Version v = visible(buckets.get(bucket).keys.get(key), sequence);
        return v == null || v.value() == null ? Optional.empty() : Optional.of(v.value().clone());
    }

    void scan(String bucket, byte[] from, byte[] to, boolean reverse, EntryVisitor visitor, long sequence) {
        if (!bucketExists(bucket, sequence)) {
            return;
        }
        ConcurrentNavigableMap<byte[], Version> keys = buckets.get(bucket).keys;
        ConcurrentNavigableMap<byte[], Version> range = to == null ? keys.tailMap(from, true) : keys.subMap(from, true, to, false);
        if (reverse) {
            range = range.descendingMap();
        }
        for (Map.Entry<byte[], Version> entry : range.entrySet()) {
            Version v = visible(entry.getValue(), sequence);
            if (v != null && v.value() != null && !visitor.visit(entry.getKey().clone(), v.value().clone())) {
                return;
            }
        }
    }
}
