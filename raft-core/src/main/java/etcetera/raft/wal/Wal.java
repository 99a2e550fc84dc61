package etcetera.raft.wal;

import etcetera.raft.Entry;
import etcetera.raft.HardState;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;

/**
 * The write-ahead log of one Raft node: a directory of preallocated segment files holding
 * CRC-framed records (metadata, entries, hard states, snapshot markers). It owns the segment
 * files, the cut to a new segment when one is full, the repair of a torn tail on open and the
 * purge of segments no longer needed.
 *
 * <p>Durability: {@link #append} only writes; {@link #sync} makes everything appended so far
 * durable. Group commit is the caller's: append the entries and hard states of many proposals
 * (one Raft {@code Ready}), then sync once, then send the messages that depend on them.
 *
 * <p>Thread ownership: the node loop is the single owner; no method may be called
 * concurrently. (A background thread preallocates the next segment file, see
 * {@link SegmentPreallocator}; it never touches the live segments.)
 */
public final class Wal implements AutoCloseable {

    static final System.Logger LOG = System.getLogger("etcetera.raft.wal");

    private final Path dir;
    private final WalOptions options;
    private final byte[] metadata;
    private final long walId;
    private final List<SegmentName> segments;
    private final RecordEncoder encoder = new RecordEncoder();
    private final SegmentPreallocator preallocator;

    private FileChannel tail;
    private FileLock tailLock;
    /** Where the next record goes in the tail segment. */
    private long tailOffset;
    /** The prefix of the tail segment known to be fsynced. */
    private long syncedOffset;
    /** The durable offset last recorded in a sync mark of the tail segment. */
    private long markedOffset;
    private HardState state;
    private SnapshotMarker snapshot;
    private long lastIndex;
    private long releasedTo;
    private WalException failure;
    private boolean closed;

    private Wal(Path dir, WalOptions options, OpenScan scan, FileChannel tail, FileLock tailLock) {
        this.dir = dir;
        this.options = options;
        this.metadata = scan.metadata;
        this.walId = scan.walId;
        this.segments = new ArrayList<>(scan.names);
        this.tail = tail;
        this.tailLock = tailLock;
        this.tailOffset = scan.tailEnd;
        this.syncedOffset = scan.tailEnd;
        this.markedOffset = scan.markedOffset;
        this.state = scan.state;
        this.snapshot = scan.snapshot;
        this.lastIndex = scan.lastIndex;
        this.preallocator = new SegmentPreallocator(dir, options.segmentBytes(), options.fsync());
        preallocator.prepare();
    }

    /** Whether {@code dir} holds a WAL (at least one segment file). */
    public static boolean exists(Path dir) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(p -> SegmentName.parse(p.getFileName().toString()).isPresent());
        } catch (IOException e) {
            throw new WalException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Creates a new WAL in {@code dir} (which must not hold one) whose every segment starts with
     * {@code metadata}, and opens it for appending. The first segment is built in a sibling temp
     * directory and renamed into place, so a crash leaves either no WAL or a complete one.
     */
    public static Wal create(Path dir, WalOptions options, byte[] metadata) {
        Objects.requireNonNull(options, "options");
        byte[] meta = metadata.clone();
        if (exists(dir)) {
            throw new WalException("a WAL already exists in " + dir + "; open it with Wal.open instead of creating one");
        }
        Path absolute = dir.toAbsolutePath();
        Path parent = absolute.getParent();
        Path temp = parent.resolve(absolute.getFileName() + ".tmp");
        try {
            Files.createDirectories(parent);
            deleteRecursively(temp);
            Files.createDirectory(temp);
            SegmentName first = new SegmentName(0, 1);
            Path file = first.in(temp);
            SegmentPreallocator.allocate(file, options.segmentBytes(), options.fsync());
            RecordEncoder head = new RecordEncoder();
            long walId = RandomGenerator.getDefault().nextLong();
            writeHead(head, walId, first, meta, HardState.EMPTY, SnapshotMarker.NONE);
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                writeFully(ch, head.flip(), 0);
                options.fsync().force(file, ch, true);
            }
            fsyncDirectory(temp, options.fsync());
            if (Files.isDirectory(absolute)) {
                try (Stream<Path> existing = Files.list(absolute)) {
                    if (existing.findAny().isPresent()) {
                        throw new WalException("cannot create a WAL in " + absolute
                                + ": the directory is not empty; use an empty or new directory");
                    }
                }
                Files.delete(absolute);
            }
            Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE);
            fsyncDirectory(parent, options.fsync());
        } catch (IOException e) {
            throw new WalException("cannot create a WAL in " + absolute + ": " + e.getMessage(), e);
        }
        LOG.log(Level.INFO, LogLine.of("wal created", "dir", absolute, "metadataBytes", meta.length));
        return open(absolute, options);
    }

    /**
     * Opens the WAL in {@code dir} for replay and appending. Every segment is checked: a torn
     * tail of the last segment (a record cut short or damaged by a crash during a write that was
     * never fsynced) is repaired by truncating it, with a log line naming the file and offset; a
     * damaged record before fsynced data fails with {@link WalCorruptException}.
     *
     * @throws WalException if there is no WAL, it is locked by another process or it cannot be read
     */
    public static Wal open(Path dir, WalOptions options) {
        Objects.requireNonNull(options, "options");
        if (!exists(dir)) {
            throw new WalException("no WAL in " + dir.toAbsolutePath()
                    + ": this member has no durable log; create one with Wal.create when starting a new member");
        }
        FileChannel tail = null;
        try {
            deleteTempFiles(dir);
            OpenScan scan = OpenScan.run(dir, listSegments(dir));
            Path tailPath = scan.names.getLast().in(dir);
            tail = FileChannel.open(tailPath, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock = lockTail(tail, tailPath);
            if (scan.repairFrom >= 0) {
                long size = tail.size();
                // truncating drops the damaged bytes; extending again makes the rest read as zeros
                tail.truncate(scan.repairFrom);
                SegmentPreallocator.extend(tail, Math.max(size, options.segmentBytes()));
                LOG.log(Level.WARNING, LogLine.of("wal torn tail repaired", "file", tailPath,
                        "offset", scan.repairFrom, "fileBytes", size,
                        "droppedRecords", scan.droppedRecords, "reason", quote(scan.repairReason)));
            }
            // What replay is about to act on (a vote, entries) must be durable, even if the
            // previous process was killed before its last fsync.
            options.fsync().force(tailPath, tail, true);
            return new Wal(dir.toAbsolutePath(), options, scan, tail, lock);
        } catch (IOException e) {
            closeQuietly(tail);
            throw new WalException("cannot open the WAL in " + dir.toAbsolutePath() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(tail);
            throw e;
        }
    }

    /**
     * Replays the log for a node restarting from the snapshot at {@code fromSnapshotIndex}
     * ({@code 0}: no snapshot).
     *
     * @throws WalException if entries after {@code fromSnapshotIndex} are missing (purged, or
     *     only covered by a newer snapshot): restart from a newer snapshot
     */
    public WalContents readAll(long fromSnapshotIndex) {
        ensureUsable();
        int start = firstSegmentFor(fromSnapshotIndex);
        if (start < 0) {
            throw new WalException("the WAL in " + dir + " starts at index " + segments.getFirst().firstIndex()
                    + " and cannot replay from snapshot index " + fromSnapshotIndex
                    + ": the entries in between were purged; restart from a newer snapshot");
        }
        Replay replay = new Replay(fromSnapshotIndex, dir);
        for (int i = start; i < segments.size(); i++) {
            Path path = segments.get(i).in(dir);
            try (SegmentReader reader = SegmentReader.open(path)) {
                int limit = i == segments.size() - 1 ? (int) tailOffset : reader.size();
                replay.segment = path;
                reader.forEach(limit, replay);
            } catch (IOException e) {
                throw fail("reading " + path, e);
            }
        }
        return new WalContents(metadata, replay.state, replay.snapshot, replay.entries);
    }

    /**
     * Writes a hard state and entries (no fsync: call {@link #sync} once for the whole batch).
     * An entry at index {@code i} replaces every earlier-written entry at {@code i} or above on
     * replay. The state is not written if it is {@link HardState#EMPTY} or unchanged. Cuts to a
     * new segment (which fsyncs the full one) when the tail segment is full.
     */
    public void append(HardState hardState, List<Entry> entries) {
        ensureUsable();
        Objects.requireNonNull(hardState, "hardState");
        for (int i = 1; i < entries.size(); i++) {
            if (entries.get(i).index() != entries.get(i - 1).index() + 1) {
                throw new IllegalArgumentException("entries of one append must be contiguous: index "
                        + entries.get(i).index() + " follows " + entries.get(i - 1).index());
            }
        }
        boolean newState = !hardState.equals(HardState.EMPTY) && !hardState.equals(state);
        if (entries.isEmpty() && !newState) {
            return;
        }
        beginBatch();
        for (Entry e : entries) {
            encoder.entry(e);
        }
        if (newState) {
            encoder.hardState(hardState);
        }
        writeBatch();
        if (!entries.isEmpty()) {
            lastIndex = entries.getLast().index();
        }
        if (newState) {
            state = hardState;
        }
        cutIfFull();
    }

    /** Forces everything appended so far to disk. A no-op if nothing was appended since the last sync. */
    public void sync() {
        ensureUsable();
        if (syncedOffset == tailOffset) {
            return;
        }
        Path path = tailPath();
        try {
            options.fsync().force(path, tail, false);
        } catch (IOException e) {
            throw fail("fsync of " + path, e);
        }
        syncedOffset = tailOffset;
    }

    /**
     * Records that a snapshot was taken at {@code index} (of {@code term}), and syncs: the node
     * may restart from that snapshot. Write the snapshot file first, then this marker.
     */
    public void saveSnapshotMarker(long index, long term) {
        ensureUsable();
        SnapshotMarker marker = new SnapshotMarker(index, term);
        beginBatch();
        encoder.snapshot(marker);
        writeBatch();
        snapshot = marker;
        lastIndex = Math.max(lastIndex, index);
        sync();
        cutIfFull();
    }

    /**
     * Declares that replay will never again need entries at or below {@code snapshotIndex}, and
     * deletes the oldest segment files while more than {@link WalOptions#maxWals()} remain.
     * A segment that may hold entries after {@code snapshotIndex} is never deleted.
     */
    public void releaseBefore(long snapshotIndex) {
        ensureUsable();
        releasedTo = Math.max(releasedTo, snapshotIndex);
        purge();
    }

    /** The index of the last entry written (or of the latest snapshot marker, if later). */
    public long lastIndex() {
        return lastIndex;
    }

    /** The directory of the log. */
    public Path dir() {
        return dir;
    }

    /**
     * Syncs, records in a sync mark that everything written is durable (so that a later damaged
     * record in this segment is recognised as corruption, not a torn write) and closes the files.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        try {
            if (failure == null) {
                sync();
                if (syncedOffset > markedOffset) {
                    beginBatch();
                    writeBatch();
                    sync();
                }
            }
        } finally {
            closed = true;
            preallocator.close();
            try {
                tailLock.release();
            } catch (IOException e) {
                LOG.log(Level.WARNING, LogLine.of("wal unlock failed", "file", tailPath(), "error", quote(e.getMessage())));
            }
            closeQuietly(tail);
        }
    }

    // ---- writing

    /** Starts a batch; its first record proves the last sync, if no mark has done so yet. */
    private void beginBatch() {
        encoder.clear();
        if (syncedOffset > markedOffset) {
            encoder.syncMark(walId, segments.getLast().seq(), syncedOffset);
            markedOffset = syncedOffset;
        }
    }

    private void writeBatch() {
        ByteBuffer batch = encoder.flip();
        int size = batch.remaining();
        try {
            writeFully(tail, batch, tailOffset);
        } catch (IOException e) {
            throw fail("write to " + tailPath(), e);
        }
        tailOffset += size;
    }

    private void cutIfFull() {
        if (tailOffset < options.segmentBytes()) {
            return;
        }
        try {
            cut();
        } catch (IOException e) {
            throw fail("cut to a new segment after " + tailPath(), e);
        }
        purge();
    }

    /**
     * Closes the full tail segment at its used size (fsynced: every segment but the last is
     * entirely durable, so any damage in it is corruption) and makes the prepared temp file the
     * new tail: head records written and fsynced, renamed into place, directory fsynced.
     */
    private void cut() throws IOException {
        Path oldPath = tailPath();
        long oldBytes = tailOffset;
        tail.truncate(tailOffset);
        options.fsync().force(oldPath, tail, true);
        syncedOffset = tailOffset;

        SegmentName next = new SegmentName(segments.getLast().seq() + 1, lastIndex + 1);
        Path temp = preallocator.take();
        FileChannel channel = FileChannel.open(temp, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock = null;
        try {
            encoder.clear();
            writeHead(encoder, walId, next, metadata, state, snapshot);
            ByteBuffer head = encoder.flip();
            int headBytes = head.remaining();
            writeFully(channel, head, 0);
            options.fsync().force(temp, channel, false);
            Path path = next.in(dir);
            Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE);
            fsyncDirectory(dir, options.fsync());
            lock = lockTail(channel, path);
            tailLock.release();
            tail.close();
            tail = channel;
            tailLock = lock;
            segments.add(next);
            tailOffset = headBytes;
            syncedOffset = headBytes;
            markedOffset = 0;
        } catch (IOException | RuntimeException e) {
            if (lock == null) {
                closeQuietly(channel);
            }
            throw e;
        }
        preallocator.prepare();
        LOG.log(Level.INFO, LogLine.of("wal segment cut", "closed", oldPath.getFileName(),
                "bytes", oldBytes, "new", next.fileName()));
    }

    private static void writeHead(RecordEncoder encoder, long walId, SegmentName name, byte[] metadata,
            HardState state, SnapshotMarker snapshot) {
        encoder.segmentHeader(walId, name.seq(), name.firstIndex());
        encoder.metadata(metadata);
        if (!state.equals(HardState.EMPTY)) {
            encoder.hardState(state);
        }
        if (!snapshot.equals(SnapshotMarker.NONE)) {
            encoder.snapshot(snapshot);
        }
    }

    private void purge() {
        if (options.maxWals() == 0) {
            return;
        }
        int needed = Math.max(0, firstSegmentFor(releasedTo));
        int deletable = Math.min(needed, segments.size() - options.maxWals());
        if (deletable <= 0) {
            return;
        }
        try {
            for (int i = 0; i < deletable; i++) {
                SegmentName oldest = segments.getFirst();
                Files.delete(oldest.in(dir));
                segments.removeFirst();
                LOG.log(Level.INFO, LogLine.of("wal segment purged", "file", oldest.in(dir),
                        "releasedTo", releasedTo, "maxWals", options.maxWals()));
            }
            fsyncDirectory(dir, options.fsync());
        } catch (IOException e) {
            throw fail("purge of old segments in " + dir, e);
        }
    }

    /**
     * The position of the segment replay from snapshot {@code index} starts with: the last one
     * whose first index is at most {@code index + 1} (surviving entries of the earlier segments
     * all lie at or below {@code index}); -1 if even the oldest segment starts later.
     */
    private int firstSegmentFor(long index) {
        for (int i = segments.size() - 1; i >= 0; i--) {
            if (segments.get(i).firstIndex() <= index + 1) {
                return i;
            }
        }
        return -1;
    }

    private Path tailPath() {
        return segments.getLast().in(dir);
    }

    private void ensureUsable() {
        if (failure != null) {
            throw new WalException("the WAL in " + dir + " failed earlier and accepts no more calls: "
                    + failure.getMessage(), failure);
        }
        if (closed) {
            throw new WalException("the WAL in " + dir + " is closed");
        }
    }

    /**
     * Records an I/O failure. After a failed write or fsync the kernel may have dropped the
     * dirty pages, so retrying could report success for lost data: the log refuses all further
     * calls and the node must restart (and replay what is really on disk).
     */
    private WalException fail(String what, IOException e) {
        failure = new WalException("WAL I/O failed: " + what + ": " + e.getMessage()
                + "; the node must stop and restart from its durable state", e);
        LOG.log(Level.ERROR, LogLine.of("wal failed", "dir", dir, "during", quote(what), "error", quote(e.getMessage())));
        return failure;
    }

    // ---- files

    static void writeFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            pos += ch.write(buf, pos);
        }
    }

    static void fsyncDirectory(Path directory, Fsync fsync) throws IOException {
        try (FileChannel ch = FileChannel.open(directory, StandardOpenOption.READ)) {
            fsync.force(directory, ch, true);
        }
    }

    private static FileLock lockTail(FileChannel channel, Path path) throws IOException {
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            throw new WalException("the WAL segment " + path + " is locked: another process (or another Wal in this"
                    + " process) has this WAL open; stop it first");
        }
        return lock;
    }

    private static List<SegmentName> listSegments(Path dir) throws IOException {
        List<SegmentName> names = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path p : files) {
                SegmentName.parse(p.getFileName().toString()).ifPresent(names::add);
            }
        }
        names.sort(Comparator.comparingLong(SegmentName::seq));
        for (int i = 1; i < names.size(); i++) {
            if (names.get(i).seq() != names.get(i - 1).seq() + 1) {
                throw new WalCorruptException(names.get(i).in(dir), 0, "segment sequence jumps from "
                        + names.get(i - 1).seq() + " to " + names.get(i).seq() + ": a segment file is missing");
            }
        }
        return names;
    }

    private static void deleteTempFiles(Path dir) throws IOException {
        try (DirectoryStream<Path> temps = Files.newDirectoryStream(dir, "*" + SegmentPreallocator.TEMP_SUFFIX)) {
            for (Path p : temps) {
                Files.delete(p);
                LOG.log(Level.INFO, LogLine.of("wal stale temp file removed", "file", p));
            }
        }
    }

    private static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> all = Files.walk(path)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch == null) {
            return;
        }
        try {
            ch.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, LogLine.of("wal close failed", "error", quote(e.getMessage())));
        }
    }

    static String quote(String s) {
        return '"' + String.valueOf(s) + '"';
    }

    /** Checks every segment on open and gathers the state appending continues from. */
    private static final class OpenScan {
        final List<SegmentName> names;
        long walId;
        byte[] metadata;
        HardState state = HardState.EMPTY;
        SnapshotMarker snapshot = SnapshotMarker.NONE;
        long lastIndex;
        long tailEnd;
        long markedOffset;
        long repairFrom = -1;
        int droppedRecords;
        String repairReason;

        private OpenScan(List<SegmentName> names) {
            this.names = names;
        }

        static OpenScan run(Path dir, List<SegmentName> names) throws IOException {
            OpenScan scan = new OpenScan(names);
            for (int i = 0; i < names.size(); i++) {
                scan.segment(dir, names.get(i), i == names.size() - 1);
            }
            return scan;
        }

        private void segment(Path dir, SegmentName name, boolean last) throws IOException {
            Path path = name.in(dir);
            try (SegmentReader reader = SegmentReader.open(path)) {
                int[] count = {0};
                int end = reader.forEach(reader.size(), (offset, record) -> {
                    checkHead(path, name, count[0]++, offset, record);
                    switch (record) {
                        case WalRecord.EntryRecord(Entry e) -> lastIndex = e.index();
                        case WalRecord.StateRecord(HardState s) -> state = s;
                        case WalRecord.SnapshotRecord(SnapshotMarker m) -> {
                            snapshot = m;
                            lastIndex = Math.max(lastIndex, m.index());
                        }
                        case WalRecord.SyncMark(long id, long seq, long durable) when last && id == walId && seq == name.seq() ->
                            markedOffset = Math.max(markedOffset, durable);
                        default -> {
                        }
                    }
                });
                if (count[0] < 2) {
                    throw new WalCorruptException(path, end, "segment has no valid header and metadata ("
                            + reader.problem() + "); segment heads are fsynced before the file gets its name");
                }
                if (end < reader.size() && !reader.zeroFrom(end)) {
                    damaged(reader, name, end, last);
                }
                if (last) {
                    tailEnd = end;
                }
            }
        }

        private void damaged(SegmentReader reader, SegmentName name, int end, boolean last) {
            String problem = reader.problem();
            if (!last) {
                throw new WalCorruptException(reader.path(), end, problem
                        + " in a segment that was completely fsynced before the next one was created");
            }
            SegmentReader.Beyond beyond = reader.beyond(end, walId, name.seq());
            if (beyond.provenDurable() > end) {
                throw new WalCorruptException(reader.path(), end, problem + "; a later sync mark proves that the first "
                        + beyond.provenDurable() + " bytes of this segment had been fsynced, so this is not a torn write");
            }
            repairFrom = end;
            droppedRecords = beyond.validFrames();
            repairReason = problem;
        }

        private void checkHead(Path path, SegmentName name, int position, int offset, WalRecord record) {
            if (position == 0) {
                if (!(record instanceof WalRecord.SegmentHeader(long id, long seq, long firstIndex))) {
                    throw new WalCorruptException(path, offset, "first record is not a segment header");
                }
                if (seq != name.seq() || firstIndex != name.firstIndex()) {
                    throw new WalCorruptException(path, offset, "segment header says seq=" + seq + " firstIndex="
                            + firstIndex + ", which does not match the file name");
                }
                if (metadata != null && id != walId) {
                    throw new WalCorruptException(path, offset, "segment belongs to another WAL (id " + Long.toHexString(id)
                            + ", expected " + Long.toHexString(walId) + ")");
                }
                walId = id;
            } else if (position == 1) {
                if (!(record instanceof WalRecord.Metadata(byte[] bytes))) {
                    throw new WalCorruptException(path, offset, "second record is not the metadata");
                }
                if (metadata != null && !Arrays.equals(metadata, bytes)) {
                    throw new WalCorruptException(path, offset, "metadata differs from the first segment's");
                }
                metadata = bytes;
            } else if (record instanceof WalRecord.SegmentHeader || record instanceof WalRecord.Metadata) {
                throw new WalCorruptException(path, offset, "segment header or metadata in the middle of a segment");
            }
        }
    }

    /** Rebuilds the log after a snapshot index from the records of the segments, in order. */
    private static final class Replay implements SegmentReader.Visitor {
        private final long from;
        private final Path dir;
        final List<Entry> entries = new ArrayList<>();
        HardState state = HardState.EMPTY;
        SnapshotMarker snapshot = SnapshotMarker.NONE;
        Path segment;

        Replay(long from, Path dir) {
            this.from = from;
            this.dir = dir;
        }

        @Override
        public void visit(int offset, WalRecord record) {
            switch (record) {
                case WalRecord.EntryRecord(Entry e) -> entry(e, offset);
                case WalRecord.StateRecord(HardState s) -> state = s;
                case WalRecord.SnapshotRecord(SnapshotMarker m) when m.index() <= from -> snapshot = m;
                default -> {
                }
            }
        }

        private void entry(Entry e, int offset) {
            long index = e.index();
            if (index <= from) {
                // Everything collected lies above it, and writing it dropped all of that.
                entries.clear();
                return;
            }
            long next = from + 1 + entries.size();
            if (index < next) {
                entries.subList((int) (index - from - 1), entries.size()).clear();
            } else if (index > next) {
                throw new WalException("the WAL in " + dir + " has no entries from index " + next + " to " + (index - 1)
                        + " (entry " + index + " at " + segment.getFileName() + " offset " + offset
                        + "): they are only in a snapshot newer than index " + from + "; restart from a newer snapshot");
            }
            entries.add(e);
        }
    }
}
