package etcetera.raft.wal;

import etcetera.raft.ConfState;
import etcetera.raft.SnapshotMetadata;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;

/**
 * The Raft snapshot files of a node: one file per snapshot, named {@code %016x-%016x.snap}
 * (term, index) as etcd names them, written atomically (temp file, fsync, rename, directory
 * fsync), checked by a CRC32C on load, and purged down to {@link WalOptions#maxSnapshots()}.
 *
 * <p>File layout (big-endian): magic {@code ETCSNAP1}; index, term; the {@link ConfState}
 * (voters, learners, outgoing voters, next learners as counted lists of ids, then auto-leave);
 * the application bytes; their length; a CRC32C of everything before it. The length and CRC
 * trail the data so that a snapshot can be streamed to disk without knowing its size first.
 *
 * <p>Owned by the thread that drives the node; not thread-safe.
 */
public final class Snapshotter {

    private static final byte[] MAGIC = {'E', 'T', 'C', 'S', 'N', 'A', 'P', '1'};
    private static final Pattern NAME = Pattern.compile("([0-9a-f]{16})-([0-9a-f]{16})\\.snap");
    private static final String TEMP_SUFFIX = ".tmp";
    private static final String BROKEN_SUFFIX = ".broken";
    private static final int TRAILER_BYTES = 8 + 4;

    private final Path dir;
    private final WalOptions options;

    /** Uses (and creates if needed) the snapshot directory {@code dir}. */
    public Snapshotter(Path dir, WalOptions options) {
        this.dir = dir.toAbsolutePath();
        this.options = Objects.requireNonNull(options, "options");
        try {
            Files.createDirectories(this.dir);
        } catch (IOException e) {
            throw new WalException("cannot create the snapshot directory " + this.dir + ": " + e.getMessage(), e);
        }
    }

    public Path dir() {
        return dir;
    }

    /** Saves a snapshot held in memory; see {@link #save(SnapshotMetadata, InputStream)}. */
    public Path save(SnapshotMetadata metadata, byte[] data) {
        return save(metadata, new ByteArrayInputStream(data));
    }

    /**
     * Writes a snapshot file atomically: after a crash there is either the complete file or none.
     * Then purges old snapshot files. Returns the file.
     */
    public Path save(SnapshotMetadata metadata, InputStream data) {
        Path file = dir.resolve(fileName(metadata.term(), metadata.index()));
        Path temp = dir.resolve(file.getFileName() + TEMP_SUFFIX);
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE)) {
                CRC32C crc = new CRC32C();
                DataOutputStream out = new DataOutputStream(new CheckedOutputStream(
                        new BufferedOutputStream(Channels.newOutputStream(ch), 64 * 1024), crc));
                out.write(MAGIC);
                out.writeLong(metadata.index());
                out.writeLong(metadata.term());
                writeConfState(out, metadata.confState());
                long length = data.transferTo(out);
                out.writeLong(length);
                out.flush();
                // the crc itself is not part of what it covers
                OutputStream raw = Channels.newOutputStream(ch);
                raw.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
                raw.flush();
                options.fsync().force(temp, ch, true);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Wal.fsyncDirectory(dir, options.fsync());
        } catch (IOException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw new WalException("cannot save snapshot " + file + ": " + e.getMessage(), e);
        }
        Wal.LOG.log(Level.INFO, LogLine.of("snapshot saved", "file", file, "index", metadata.index(),
                "term", metadata.term()));
        purge();
        return file;
    }

    /** The newest snapshot that can be read, if any; see {@link #loadNewest(Predicate)}. */
    public Optional<Snapshot> loadNewest() {
        return loadNewest(m -> true);
    }

    /**
     * The newest readable snapshot whose (index, term) {@code usable} accepts — e.g. one the WAL
     * holds a marker for. A file that fails its checks is renamed to {@code .broken} (kept for
     * inspection) with a log line, and the next older one is tried.
     */
    public Optional<Snapshot> loadNewest(Predicate<SnapshotMarker> usable) {
        for (Name name : names()) {
            if (!usable.test(new SnapshotMarker(name.index, name.term))) {
                continue;
            }
            Path file = dir.resolve(name.fileName());
            try {
                return Optional.of(read(file, name));
            } catch (IOException | IllegalArgumentException e) {
                quarantine(file, e.getMessage());
            }
        }
        return Optional.empty();
    }

    /**
     * Deletes the oldest snapshot files while more than {@link WalOptions#maxSnapshots()}
     * remain ({@code 0}: keep all). Returns the deleted files.
     */
    public List<Path> purge() {
        List<Path> deleted = new ArrayList<>();
        List<Name> names = names();
        if (options.maxSnapshots() == 0 || names.size() <= options.maxSnapshots()) {
            return deleted;
        }
        try {
            for (Name old : names.subList(options.maxSnapshots(), names.size())) {
                Path file = dir.resolve(old.fileName());
                Files.deleteIfExists(file);
                deleted.add(file);
                Wal.LOG.log(Level.INFO, LogLine.of("snapshot purged", "file", file, "maxSnapshots", options.maxSnapshots()));
            }
            Wal.fsyncDirectory(dir, options.fsync());
        } catch (IOException e) {
            throw new WalException("cannot purge old snapshots in " + dir + ": " + e.getMessage(), e);
        }
        return deleted;
    }

    private static Snapshot read(Path file, Name name) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file));
        int size = b.remaining();
        if (size < MAGIC.length + 16 + TRAILER_BYTES) {
            throw new IllegalArgumentException("file too short (" + size + " bytes)");
        }
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, size - 4);
        if ((int) crc.getValue() != b.getInt(size - 4)) {
            throw new IllegalArgumentException("crc mismatch");
        }
        byte[] magic = new byte[MAGIC.length];
        b.get(magic);
        if (!java.util.Arrays.equals(magic, MAGIC)) {
            throw new IllegalArgumentException("not a snapshot file (bad magic)");
        }
        long index = b.getLong();
        long term = b.getLong();
        if (index != name.index || term != name.term) {
            throw new IllegalArgumentException("holds index " + index + " term " + term + ", which does not match its name");
        }
        ConfState conf = readConfState(b);
        long length = b.getLong(size - TRAILER_BYTES);
        if (length != size - TRAILER_BYTES - b.position()) {
            throw new IllegalArgumentException("data length " + length + " does not match the file size");
        }
        byte[] data = new byte[(int) length];
        b.get(data);
        return new Snapshot(new SnapshotMetadata(index, term, conf), data);
    }

    private static void writeConfState(DataOutputStream out, ConfState c) throws IOException {
        for (List<Long> ids : List.of(c.voters(), c.learners(), c.votersOutgoing(), c.learnersNext())) {
            out.writeInt(ids.size());
            for (long id : ids) {
                out.writeLong(id);
            }
        }
        out.writeBoolean(c.autoLeave());
    }

    private static ConfState readConfState(ByteBuffer b) {
        List<List<Long>> lists = new ArrayList<>(4);
        for (int l = 0; l < 4; l++) {
            int count = b.getInt();
            if (count < 0 || count > b.remaining() / 8) {
                throw new IllegalArgumentException("bad membership list length " + count);
            }
            List<Long> ids = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                ids.add(b.getLong());
            }
            lists.add(ids);
        }
        return new ConfState(lists.get(0), lists.get(1), lists.get(2), lists.get(3), b.get() != 0);
    }

    private void quarantine(Path file, String problem) {
        Path broken = file.resolveSibling(file.getFileName() + BROKEN_SUFFIX);
        try {
            Files.move(file, broken, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new WalException("cannot rename the corrupt snapshot " + file + ": " + e.getMessage(), e);
        }
        Wal.LOG.log(Level.WARNING, LogLine.of("snapshot file corrupt, skipped", "file", file, "renamedTo",
                broken.getFileName(), "problem", Wal.quote(problem)));
    }

    /** Snapshot files, newest first, after removing leftovers of interrupted saves. */
    private List<Name> names() {
        List<Name> names = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path p : files) {
                String fileName = p.getFileName().toString();
                if (fileName.endsWith(".snap" + TEMP_SUFFIX)) {
                    Files.deleteIfExists(p);
                    continue;
                }
                Matcher m = NAME.matcher(fileName);
                if (m.matches()) {
                    names.add(new Name(Long.parseUnsignedLong(m.group(1), 16), Long.parseUnsignedLong(m.group(2), 16)));
                }
            }
        } catch (IOException e) {
            throw new WalException("cannot list snapshots in " + dir + ": " + e.getMessage(), e);
        }
        names.sort(Comparator.comparingLong(Name::term).thenComparingLong(Name::index).reversed());
        return names;
    }

    static String fileName(long term, long index) {
        return String.format("%016x-%016x.snap", term, index);
    }

    private record Name(long term, long index) {
        String fileName() {
            return Snapshotter.fileName(term, index);
        }
    }
}
