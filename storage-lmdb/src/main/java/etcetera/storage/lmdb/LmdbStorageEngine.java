package etcetera.storage.lmdb;

import etcetera.api.storage.Backend;
import etcetera.api.storage.BackendOptions;
import etcetera.api.storage.StorageEngine;
import java.nio.file.Path;

/**
 * The {@code lmdb} storage engine: opens {@link LmdbBackend}s. Stateless and thread-safe.
 */
public final class LmdbStorageEngine implements StorageEngine {

    /** The map LMDB reserves at first: address space, not disk; it doubles as the data grows. */
    static final long DEFAULT_INITIAL_MAP_BYTES = 64L << 20;

    private final long initialMapBytes;

    /** The engine as {@link java.util.ServiceLoader} creates it. */
    public LmdbStorageEngine() {
        this(DEFAULT_INITIAL_MAP_BYTES);
    }

    /** An engine whose backends start with a map of {@code initialMapBytes} (tests use a small one to exercise growth). */
    LmdbStorageEngine(long initialMapBytes) {
        this.initialMapBytes = initialMapBytes;
    }

    @Override
    public String name() {
        return "lmdb";
    }

    @Override
    public Backend open(Path directory, BackendOptions options) {
        return LmdbBackend.open(directory, options, Math.max(initialMapBytes, options.initialSizeBytes()));
    }
}
