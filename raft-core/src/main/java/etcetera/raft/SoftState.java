package etcetera.raft;

/**
 * The volatile state a driver wants to observe but need not persist: who leads and which
 * role this member plays.
 *
 * @param leader the id of the member this one believes is the leader, {@code 0} if none
 * @param role this member's role
 */
public record SoftState(long leader, Role role) {
}
