/**
 * Offline snapshot tools: {@code etcetera snapshot status} and {@code etcetera snapshot restore},
 * over the files {@code etcdctl snapshot save} writes from an Etcetera member (the engine-neutral
 * backend snapshot format, padded to 512-byte pages, then its SHA-256).
 */
package etcetera.cli.snapshot;
