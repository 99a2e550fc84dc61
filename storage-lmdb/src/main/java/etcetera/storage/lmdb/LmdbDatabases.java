package etcetera.storage.lmdb;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.lmdbjava.ByteArrayProxy;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;

/**
 * An open LMDB environment and its two databases. Immutable handle; the backend replaces it
 * whole when a defragment swaps the data file.
 *
 * @param maxKeyBytes the longest stored key LMDB takes (bucket prefix included)
 */
record LmdbDatabases(Env<byte[]> env, Dbi<byte[]> buckets, Dbi<byte[]> data, int maxKeyBytes) {

    /** Readers at once: server threads plus snapshot streams; each costs 64 bytes of lock file. */
    private static final int MAX_READERS = 1024;

    static LmdbDatabases open(Path directory, boolean syncOnCommit, long mapBytes) {
        List<EnvFlags> flags = new ArrayList<>();
        // Read transactions are handed between threads (one at a time) and a thread may hold
        // several, so they must not be tied to thread-local reader slots.
        flags.add(EnvFlags.MDB_NOTLS);
        if (!syncOnCommit) {
            // Commits still go to the page cache (so a killed process loses nothing); Backend.sync() forces them out.
            flags.add(EnvFlags.MDB_NOSYNC);
        }
        Env<byte[]> env = Env.create(ByteArrayProxy.PROXY_BA)
                .setMapSize(mapBytes)
                .setMaxDbs(4)
                .setMaxReaders(MAX_READERS)
                .open(directory.toFile(), flags.toArray(EnvFlags[]::new));
        try {
            // Readers left in the lock file by a killed process would pin old pages forever.
            env.readerCheck();
            Dbi<byte[]> buckets = env.openDbi("buckets", DbiFlags.MDB_CREATE);
            Dbi<byte[]> data = env.openDbi("data", DbiFlags.MDB_CREATE);
            return new LmdbDatabases(env, buckets, data, env.getMaxKeySize());
        } catch (RuntimeException e) {
            env.close();
            throw e;
        }
    }
}
