/**
 * etcd's Lock and Election services, server side: the recipes of etcd's
 * {@code clientv3/concurrency} (a waiter's key is {@code name/leaseIDhex}, waiters are ordered
 * by create revision, each waits for the deletion of the keys created before its own) run
 * inside the member over its own KV API ({@link etcetera.server.concurrency.KvClient}), so
 * every step goes through the log as a client's would, and waits on key changes
 * ({@link etcetera.server.concurrency.KeyChanges}, on the member's watch hub). Knows nothing of gRPC.
 */
package etcetera.server.concurrency;
