package etcetera.storage.file;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Read-only memory mappings of a data file, covering its committed bytes [0, end) in chunks of
 * {@link #CHUNK_BYTES}, so that as the file grows only the last chunk is mapped again. Each
 * chunk has its own shared arena, closed — unmapped — as soon as no one can read it any more:
 * a mapping is reference counted (the data file holds one reference while it is current, each
 * reader one while it is open), and when it is released for the last time it closes the arenas
 * of the chunks its successor replaced, or all of them once the file itself is let go. So the
 * disk space of a file replaced by defragment comes back when its last reader closes, not
 * whenever the garbage collector gets round to it. Immutable but for the count; thread-safe.
 */
final class ChunkMapping {

    /** The file is mapped in chunks of this size. */
    static final long CHUNK_BYTES = 64L << 20;

    private final MemorySegment[] chunks;
    private final Arena[] arenas;
    /** The file offset up to which values can be copied from here. */
    final long end;
    private final References references = new References();
    /** What to unmap when the last reference goes; set by the writer before it lets go of its own. */
    private volatile List<Arena> closeOnRelease = List.of();

    private ChunkMapping(MemorySegment[] chunks, Arena[] arenas, long end) {
        this.chunks = chunks;
        this.arenas = arenas;
        this.end = end;
    }

    static ChunkMapping empty() {
        return new ChunkMapping(new MemorySegment[0], new Arena[0], 0);
    }

    /**
     * A mapping up to {@code newEnd} that shares this one's complete chunks, or this mapping
     * itself if the file cannot be mapped (reads then go through the channel). The caller, the
     * writer, publishes the result and then releases this one.
     */
    ChunkMapping extendedTo(FileChannel channel, long newEnd) {
        int count = (int) ((newEnd + CHUNK_BYTES - 1) / CHUNK_BYTES);
        MemorySegment[] nextChunks = Arrays.copyOf(chunks, count);
        Arena[] nextArenas = Arrays.copyOf(arenas, count);
        List<Arena> created = new ArrayList<>();
        List<Arena> replaced = new ArrayList<>();
        try {
            for (int c = 0; c < count; c++) {
                long start = c * CHUNK_BYTES;
                long size = Math.min(CHUNK_BYTES, newEnd - start);
                if (nextChunks[c] == null || nextChunks[c].byteSize() < size) {
                    Arena arena = Arena.ofShared();
                    created.add(arena);
                    nextChunks[c] = channel.map(FileChannel.MapMode.READ_ONLY, start, size, arena);
                    if (nextArenas[c] != null) {
                        replaced.add(nextArenas[c]);
                    }
                    nextArenas[c] = arena;
                }
            }
        } catch (IOException | RuntimeException e) {
            // Mapping is an optimisation: without it, reads go through the channel.
            created.forEach(Arena::close);
            return this;
        }
        closeOnRelease = List.copyOf(replaced);
        return new ChunkMapping(nextChunks, nextArenas, newEnd);
    }

    /** Marks every chunk for unmapping at the last release: the file is being let go. */
    void retireAll() {
        List<Arena> all = new ArrayList<>();
        for (Arena arena : arenas) {
            if (arena != null) {
                all.add(arena);
            }
        }
        closeOnRelease = all;
    }

    boolean tryRetain() {
        return references.tryRetain();
    }

    void release() {
        if (references.release()) {
            closeOnRelease.forEach(Arena::close);
        }
    }

    /** Copies [offset, offset + value.length) into {@code value} if it is mapped in one chunk. */
    boolean copy(long offset, byte[] value) {
        if (offset + value.length > end) {
            return false;
        }
        int chunk = (int) (offset / CHUNK_BYTES);
        long within = offset - chunk * CHUNK_BYTES;
        if (within + value.length > CHUNK_BYTES) {
            return false;
        }
        MemorySegment.copy(chunks[chunk], ValueLayout.JAVA_BYTE, within, value, 0, value.length);
        return true;
    }
}
