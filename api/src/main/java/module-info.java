/**
 * The contracts every Etcetera module shares: the storage engine SPI and the cluster
 * bootstrap SPI, with their value types. Interfaces and records only; implementations
 * live in their own modules and are found through {@link java.util.ServiceLoader}.
 */
module etcetera.api {
    exports etcetera.api.storage;
    exports etcetera.api.bootstrap;

    uses etcetera.api.storage.StorageEngine;
    uses etcetera.api.bootstrap.ClusterBootstrap;
}
