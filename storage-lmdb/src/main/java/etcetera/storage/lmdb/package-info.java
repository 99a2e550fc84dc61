/**
 * The LMDB backend. One LMDB environment per backend directory holds two databases:
 * {@code buckets} (bucket name to a 4-byte bucket id) and {@code data} (bucket id followed by
 * the key, to the value), so that a bucket is a contiguous, ordered key range and bucket
 * creation never needs a new LMDB database handle. The memory map grows with the data.
 */
package etcetera.storage.lmdb;
