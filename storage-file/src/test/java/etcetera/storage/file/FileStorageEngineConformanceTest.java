package etcetera.storage.file;

import etcetera.api.storage.StorageEngine;
import etcetera.api.storage.kit.StorageEngineConformanceTest;

/** Runs the storage conformance kit against the file engine. */
class FileStorageEngineConformanceTest extends StorageEngineConformanceTest {

    @Override
    protected StorageEngine engine() {
        return new FileStorageEngine();
    }
}
