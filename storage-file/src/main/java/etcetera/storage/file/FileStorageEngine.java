package etcetera.storage.file;

import etcetera.api.storage.Backend;
import etcetera.api.storage.BackendOptions;
import etcetera.api.storage.StorageEngine;
import java.nio.file.Path;

/**
 * The pure-Java storage engine, {@code --storage-engine file}: an append-only log of
 * checksummed batches with an in-memory copy-on-write index (see the package documentation).
 * Stateless and thread-safe.
 */
public final class FileStorageEngine implements StorageEngine {

    @Override
    public String name() {
        return "file";
    }

    @Override
    public Backend open(Path directory, BackendOptions options) {
        return FileBackend.open(directory, options);
    }
}
