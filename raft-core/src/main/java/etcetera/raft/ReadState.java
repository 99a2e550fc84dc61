package etcetera.raft;

/**
 * The answer to a {@code readIndex} request: once the local applied index reaches
 * {@code index}, a read that reflects every write acknowledged before the request was made
 * may be served from the local state machine.
 *
 * @param index the commit index the leader confirmed (with a quorum) at request time
 * @param context the caller's context bytes, returned unchanged to match the request
 */
public record ReadState(long index, byte[] context) {
}
