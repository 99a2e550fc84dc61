/**
 * The durable log: WAL segment files of CRC-framed records (entries, hard state, snapshot
 * markers), preallocated and fsynced with group commit, torn-tail repair on open, and the
 * snapshot files. Owned by the thread that drives the node.
 */
package etcetera.raft.wal;
