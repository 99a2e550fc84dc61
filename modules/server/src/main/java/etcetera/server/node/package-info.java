/**
 * The node: the path from a proposal to its application. Proposals are appended to the
 * write-ahead log in batches (one fsync per batch: group commit), then handed to the apply
 * loop, which applies a whole batch to the state machine and commits it at once. Until the
 * Raft driver lands, {@link etcetera.server.node.SingleMemberNode} is the log of a one-member
 * cluster; the Raft driver keeps the same shape and puts consensus between the WAL append and
 * the apply.
 */
package etcetera.server.node;
