/**
 * The Raft consensus algorithm as a pure, deterministic state machine: no threads, clocks,
 * sockets or files. The driver feeds it ticks, messages and proposals and carries out the
 * {@code Ready} it returns.
 */
package etcetera.raft;
