package etcetera.api.storage;

import java.nio.file.Path;

/**
 * A storage engine: a named factory of {@link Backend}s, registered as a service
 * ({@code provides etcetera.api.storage.StorageEngine with ...}) so that a distribution is
 * just a choice of modules. Stateless and thread-safe.
 */
public interface StorageEngine {

    /** The name users pick it by, e.g. {@code file} or {@code lmdb} ({@code --storage-engine}). */
    String name();

    /**
     * Opens the backend kept in {@code directory}, creating it if it does not exist.
     * Only one backend may be open on a directory at a time.
     *
     * @throws StorageException if the directory cannot be opened or holds corrupt data
     */
    Backend open(Path directory, BackendOptions options);
}
