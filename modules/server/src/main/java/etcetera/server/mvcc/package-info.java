/**
 * etcd's multi-version key-value store: {@link etcetera.server.mvcc.MvccStore} keeps every
 * change under a {@link etcetera.server.mvcc.Revision} in a storage-SPI backend, indexes keys in
 * memory by generation, serves consistent read views at committed revisions, batches the apply
 * thread's write transactions into one backend commit with the consistent index, and compacts
 * history in the background; {@link etcetera.server.mvcc.AutoCompactor} decides when to compact.
 * Knows nothing of gRPC or the wire classes.
 */
package etcetera.server.mvcc;
