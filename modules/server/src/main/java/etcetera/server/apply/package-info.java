/**
 * etcd's key-value semantics over the MVCC store: the checks made before a request is
 * proposed ({@link etcetera.server.apply.RequestChecks}), serving reads from a committed view,
 * and applying committed write requests ({@link etcetera.server.apply.Applier}), producing
 * etcd's responses and errors exactly.
 */
package etcetera.server.apply;
