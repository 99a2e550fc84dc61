/** The pure-Java storage engine ({@code --storage-engine file}): the portable default, no native code. */
module etcetera.storage.file {
    requires etcetera.api;

    provides etcetera.api.storage.StorageEngine with etcetera.storage.file.FileStorageEngine;
}
