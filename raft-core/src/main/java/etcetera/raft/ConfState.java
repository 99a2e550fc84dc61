package etcetera.raft;

import java.util.List;

/**
 * A membership configuration, as recorded in snapshots.
 *
 * @param voters the voting members (the incoming configuration during a joint change)
 * @param learners the non-voting members
 * @param votersOutgoing the outgoing voters during a joint change, empty otherwise
 * @param learnersNext learners that become learners once the joint change leaves
 * @param autoLeave whether the joint configuration is left automatically
 */
public record ConfState(List<Long> voters, List<Long> learners, List<Long> votersOutgoing,
        List<Long> learnersNext, boolean autoLeave) {

    /** No members. */
    public static final ConfState EMPTY = new ConfState(List.of(), List.of(), List.of(), List.of(), false);

    public ConfState {
        voters = List.copyOf(voters);
        learners = List.copyOf(learners);
        votersOutgoing = List.copyOf(votersOutgoing);
        learnersNext = List.copyOf(learnersNext);
    }

    /** A simple configuration of the given voters. */
    public static ConfState ofVoters(List<Long> voters) {
        return new ConfState(voters, List.of(), List.of(), List.of(), false);
    }
}
