package etcetera.raft;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A consistent view of one member's Raft state, for the driver's status endpoints and tests.
 *
 * @param id this member
 * @param hardState its term, vote and commit
 * @param softState its leader and role
 * @param applied the last index the application acknowledged applying
 * @param leadTransferee the member leadership is being handed to, {@code 0} if none
 * @param progress when leading: each member's replication progress, by id; empty otherwise
 */
public record Status(long id, HardState hardState, SoftState softState, long applied, long leadTransferee,
        Map<Long, ProgressView> progress) {

    /**
     * A leader's view of one member's log.
     *
     * @param match the highest index known to be replicated there
     * @param next the next index to send
     * @param state how the leader replicates to it
     * @param learner whether the member is a non-voting learner
     * @param recentActive whether it was heard from since the last check-quorum round
     */
    public record ProgressView(long match, long next, ProgressState state, boolean learner, boolean recentActive) {
    }

    public Status {
        progress = Collections.unmodifiableMap(new TreeMap<>(progress));
    }
}
