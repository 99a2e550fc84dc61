package etcetera.raft.wal;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads the frames of one segment file through a read-only mapping that is unmapped on close
 * (so that the file can be truncated or deleted afterwards). Used by one thread, briefly.
 */
final class SegmentReader implements AutoCloseable {

    /** Receives each valid record and the byte offset of its frame. */
    @FunctionalInterface
    interface Visitor {
        void visit(int offset, WalRecord record);
    }

    /** What follows a damaged frame in a last segment: valid-looking frames and what they prove. */
    record Beyond(int validFrames, long provenDurable) {
    }

    private final Path path;
    private final Arena arena;
    private final RecordFrame frames;

    private SegmentReader(Path path, Arena arena, ByteBuffer bytes) {
        this.path = path;
        this.arena = arena;
        this.frames = new RecordFrame(bytes);
    }

    static SegmentReader open(Path path) throws IOException {
        Arena arena = Arena.ofConfined();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE - RecordFrame.ALIGNMENT) {
                throw new IOException("WAL segment " + path + " is too large to read: " + size + " bytes");
            }
            ByteBuffer bytes = size == 0 ? ByteBuffer.allocate(0)
                    : ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena).asByteBuffer();
            return new SegmentReader(path, arena, bytes);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    Path path() {
        return path;
    }

    int size() {
        return frames.limit();
    }

    /**
     * Visits the valid records from offset 0 up to {@code limit} and returns the offset where
     * they end: {@code limit}, or the offset of the first frame that is damaged or incomplete
     * ({@link #problem()} then says why).
     *
     * @throws WalCorruptException if a frame's crc matches but its body is malformed
     */
    int forEach(int limit, Visitor visitor) {
        int pos = 0;
        while (pos < limit) {
            if (!frames.readAt(pos) || frames.next > limit) {
                return pos;
            }
            WalRecord record;
            try {
                record = frames.decode();
            } catch (IllegalArgumentException e) {
                throw new WalCorruptException(path, pos, e.getMessage());
            }
            visitor.visit(pos, record);
            pos = frames.next;
        }
        return pos;
    }

    /** Why the frame at the offset last returned by {@link #forEach} is not valid. */
    String problem() {
        return frames.problem == null ? "record runs past the readable end" : frames.problem;
    }

    boolean zeroFrom(int offset) {
        return frames.zeroFrom(offset, size());
    }

    /**
     * Looks for valid frames at aligned offsets after a damaged one at {@code damaged}, and for
     * the largest durable offset claimed by a sync mark of this segment among them.
     */
    Beyond beyond(int damaged, long walId, long seq) {
        int count = 0;
        long proven = 0;
        int pos = damaged + RecordFrame.ALIGNMENT;
        while (pos + RecordFrame.HEADER_BYTES <= size()) {
            if (!frames.readAt(pos)) {
                pos += RecordFrame.ALIGNMENT;
                continue;
            }
            count++;
            if (frames.type == WalRecord.SYNC_MARK) {
                try {
                    if (frames.decode() instanceof WalRecord.SyncMark(long id, long s, long durable)
                            && id == walId && s == seq) {
                        proven = Math.max(proven, durable);
                    }
                } catch (IllegalArgumentException malformed) {
                    // a malformed body proves nothing
                }
            }
            pos = frames.next;
        }
        return new Beyond(count, proven);
    }

    @Override
    public void close() {
        arena.close();
    }
}
