package etcetera.storage.file;

import etcetera.api.storage.Backend;
import etcetera.api.storage.BackendOptions;
import etcetera.api.storage.StorageEngine;
import java.nio.file.Path;

/** The pure-Java storage engine, {@code --storage-engine file}. Stateless. */
public final class FileStorageEngine implements StorageEngine {

    @Override
    public String name() {
        return "file";
    }

    @Override
    public Backend open(Path directory, BackendOptions options) {
        return LogBackend.open(directory, options);
    }
}
