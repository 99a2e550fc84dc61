/**
 * The node: {@link etcetera.server.node.RaftNode} drives the Raft state machine with ticks,
 * peer messages and proposals, persists its log in the WAL (group commit), and hands
 * committed entries to the apply loop, which applies them to the {@link
 * etcetera.server.node.StateMachine} in batches and answers the waiting requests.
 */
package etcetera.server.node;
