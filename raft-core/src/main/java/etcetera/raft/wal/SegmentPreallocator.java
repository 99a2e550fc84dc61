package etcetera.raft.wal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Prepares the next WAL segment in the background: a temp file filled with zeros up to the
 * segment size and fsynced, so that a cut only writes the new segment's head and renames it,
 * and later fsyncs of the segment do not have to allocate blocks. Java has no fallocate, so the
 * zeros are really written; doing it on a separate thread keeps that off the node loop.
 *
 * <p>The owner thread of the {@link Wal} calls every method; the background thread only
 * touches the temp file until {@link #take()} hands it over.
 */
final class SegmentPreallocator implements AutoCloseable {

    static final String TEMP_SUFFIX = ".tmp";
    private static final int ZERO_CHUNK = 1 << 20;

    private final Path file;
    private final long bytes;
    private final Fsync fsync;
    private final ExecutorService worker;
    private Future<Path> pending;

    SegmentPreallocator(Path dir, long bytes, Fsync fsync) {
        this.file = dir.resolve("next-segment" + TEMP_SUFFIX);
        this.bytes = bytes;
        this.fsync = fsync;
        this.worker = Executors.newSingleThreadExecutor(
                Thread.ofPlatform().daemon().name("wal-preallocate-" + dir.getFileName()).factory());
    }

    /** Starts preparing the next segment unless one is already being prepared. */
    void prepare() {
        if (pending == null) {
            pending = worker.submit(() -> {
                allocate(file, bytes, fsync);
                return file;
            });
        }
    }

    /** Waits for the prepared temp file and hands it over to the caller. */
    Path take() throws IOException {
        prepare();
        try {
            return pending.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException("preallocating " + file + " failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while preallocating " + file, e);
        } finally {
            pending = null;
        }
    }

    /** Creates {@code path} anew, zero-filled to {@code size} bytes and fsynced. */
    static void allocate(Path path, long size, Fsync fsync) throws IOException {
        Files.deleteIfExists(path);
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            zeroFill(ch, 0, size);
            fsync.force(path, ch, true);
        }
    }

    /** Writes zeros over [from, to) of the channel's file. */
    static void zeroFill(FileChannel ch, long from, long to) throws IOException {
        ByteBuffer zeros = ByteBuffer.allocateDirect((int) Math.min(ZERO_CHUNK, Math.max(1, to - from)));
        long pos = from;
        while (pos < to) {
            zeros.clear().limit((int) Math.min(zeros.capacity(), to - pos));
            while (zeros.hasRemaining()) {
                pos += ch.write(zeros, pos);
            }
        }
    }

    /** Stops the background thread and removes an unused temp file. */
    @Override
    public void close() {
        worker.shutdownNow();
        try {
            if (!worker.awaitTermination(30, TimeUnit.SECONDS)) {
                Wal.LOG.log(System.Logger.Level.WARNING,
                        LogLine.of("wal preallocation did not stop", "file", file));
            }
            Files.deleteIfExists(file);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
