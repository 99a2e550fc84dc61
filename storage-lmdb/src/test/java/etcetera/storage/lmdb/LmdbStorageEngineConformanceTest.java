package etcetera.storage.lmdb;

import etcetera.api.storage.StorageEngine;
import etcetera.api.storage.kit.StorageEngineConformanceTest;

/** Runs the storage conformance kit against the LMDB engine. */
class LmdbStorageEngineConformanceTest extends StorageEngineConformanceTest {

    @Override
    protected StorageEngine engine() {
        return new LmdbStorageEngine();
    }
}
