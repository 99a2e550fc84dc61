package etcetera.cli.snapshot;

import etcetera.api.storage.Backend;
import etcetera.api.storage.BackendOptions;
import etcetera.api.storage.Progress;
import etcetera.api.storage.SnapshotFormat;
import etcetera.api.storage.StorageEngine;
import etcetera.api.storage.StorageException;
import etcetera.api.storage.WriteBatch;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Writes a member's data dir from a snapshot, laid out as the server reads it at start-up
 * ({@code EtcdServer.start}): the backend in {@code member/db} through the chosen engine, and
 * the engine's name in {@code member/db.engine}. There is no WAL: at its first start the member
 * takes its identity from its cluster flags and starts a new log, as a fresh member whose data
 * is the snapshot. So the snapshot's own cluster is left out: its membership buckets and the
 * applied index of its log (the new log starts at 1, and the member applies it from there).
 * This is the one class that knows the layout, so that it can follow the server's. Stateless.
 */
final class RestoredDataDir {

    /** The old cluster's members (server's {@code ClusterMembers}): the new member bootstraps its own. */
    private static final Set<String> MEMBERSHIP_BUCKETS = Set.of("members", "members_removed");
    /** The server's {@code MvccStore} keeps the applied index of the log under this key of {@code meta}. */
    private static final String META_BUCKET = "meta";
    private static final byte[] CONSISTENT_INDEX = "consistent_index".getBytes(StandardCharsets.US_ASCII);

    /** Entries per backend commit: bounds the engine's uncommitted state on big snapshots. */
    private static final int ENTRIES_PER_COMMIT = 10_000;

    private RestoredDataDir() {
    }

    /**
     * Restores {@code file} into {@code dataDir}, which must not exist: writes everything into a
     * sibling work directory and renames it into place only when complete.
     *
     * @param progress told the snapshot bytes read of those there are
     * @return the entries restored
     */
    static long write(SnapshotFile file, Path dataDir, StorageEngine engine, Progress progress) {
        if (Files.exists(dataDir)) {
            throw new StorageException("data-dir \"" + dataDir + "\" exists");
        }
        Path work = dataDir.resolveSibling(dataDir.getFileName() + ".restoring");
        try {
            deleteTree(work);
            Path member = Files.createDirectories(work.resolve("member"));
            long entries;
            try (Backend backend = engine.open(member.resolve("db"), new BackendOptions(false, 0));
                 WriteBatch batch = backend.write();
                 CountingStream in = new CountingStream(file.data())) {
                long total = file.hashed() ? file.size() - 32 : file.size();
                long[] pending = {0};
                entries = SnapshotFormat.read(in, new SnapshotFormat.Sink() {
                    @Override
                    public void bucket(String name) {
                        if (!MEMBERSHIP_BUCKETS.contains(name)) {
                            batch.createBucket(name);
                        }
                    }

                    @Override
                    public void entry(String bucket, byte[] key, byte[] value) {
                        if (MEMBERSHIP_BUCKETS.contains(bucket) || (bucket.equals(META_BUCKET) && Arrays.equals(key, CONSISTENT_INDEX))) {
                            return;
                        }
                        batch.put(bucket, key, value);
                        if (++pending[0] % ENTRIES_PER_COMMIT == 0) {
                            batch.commit();
                            progress.update(in.count, total);
                        }
                    }
                }, (done, ignored) -> progress.update(in.count, total));
                batch.commit();
                backend.sync();
                progress.update(total, total);
            }
            Files.writeString(member.resolve("db.engine"), engine.name() + "\n", StandardCharsets.UTF_8);
            Files.move(work, dataDir);
            return entries;
        } catch (IOException e) {
            throw new UncheckedIOException("restoring into " + dataDir + " failed", e);
        } finally {
            try {
                deleteTree(work);
            } catch (IOException e) {
                // best effort: a failed restore leaves at most its work directory
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    /** Counts the bytes read through it, for progress. */
    private static final class CountingStream extends FilterInputStream {
        long count;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int read = super.read(b, off, len);
            if (read > 0) {
                count += read;
            }
            return read;
        }
    }
}
