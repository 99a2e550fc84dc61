package etcetera.raft;

/**
 * The state Raft must persist before it sends any message that depends on it.
 *
 * @param term the current term
 * @param vote the member voted for in {@code term}, {@code 0} if none
 * @param commit the highest log index known to be committed
 */
public record HardState(long term, long vote, long commit) {

    /** The state of a member that has never run. */
    public static final HardState EMPTY = new HardState(0, 0, 0);
}
