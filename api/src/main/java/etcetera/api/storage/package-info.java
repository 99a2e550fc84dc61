/**
 * The storage engine SPI. A {@link etcetera.api.storage.StorageEngine} opens a
 * {@link etcetera.api.storage.Backend}: named buckets of keys ordered by unsigned
 * lexicographic byte order, readers that see a consistent view, and one batched writer
 * whose commit is atomic. Engines are found with {@code ServiceLoader}; each must pass the
 * conformance kit shipped in this module's test-jar ({@code etcetera.api.storage.kit}).
 */
package etcetera.api.storage;
