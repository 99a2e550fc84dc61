/**
 * etcd's watch machinery, below the API: the {@link etcetera.server.watch.WatchHub} takes the
 * events of committed revisions from the apply path and hands each watcher the changes of its
 * key range in revision order, exactly once, from its start revision on. Watchers that are up
 * to date (synced) are fed from the live events; watchers that start in the past or fall behind
 * (unsynced) catch up by reading history from the {@link etcetera.server.mvcc.MvccStore}, so a
 * slow consumer costs bounded memory and never blocks writers. Knows nothing of gRPC or the
 * wire classes.
 */
package etcetera.server.watch;
