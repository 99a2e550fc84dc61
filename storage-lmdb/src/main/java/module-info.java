/**
 * The LMDB storage engine ({@code --storage-engine lmdb}): a memory-mapped B+tree through
 * lmdbjava, whose native library ships inside lmdbjava's jars.
 */
module etcetera.storage.lmdb {
    requires etcetera.api;
    requires lmdbjava;

    provides etcetera.api.storage.StorageEngine with etcetera.storage.lmdb.LmdbStorageEngine;
}
