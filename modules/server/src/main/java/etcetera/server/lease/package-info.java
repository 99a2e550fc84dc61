/**
 * Leases: the {@link etcetera.server.lease.Lessor} keeps which leases exist, their TTLs and
 * the keys attached to them (replicated state, changed only by applying the log), and, on the
 * member that is primary (the Raft leader), when each lease expires (local state, refreshed by
 * keep-alives). Knows nothing of gRPC or the node: grants, revokes and expiries reach it as
 * applied log entries, and it asks for revokes through a {@link etcetera.server.lease.Lessor.Revoker}.
 */
package etcetera.server.lease;
