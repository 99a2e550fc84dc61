package etcetera.raft;

/**
 * What a leader knows of one member's log and how it replicates to it. Owned by the
 * {@link Raft} that leads.
 */
final class Progress {

    long match;
    long next;
    ProgressState state = ProgressState.PROBE;
    /** In {@link ProgressState#SNAPSHOT}: the index of the snapshot being sent. */
    long pendingSnapshot;
    /** Heard from since the last check-quorum round. */
    boolean recentActive;
    /** In {@link ProgressState#PROBE}: a probe is out, send no other until it is answered. */
    boolean probeSent;
    boolean learner;
    final Inflights inflights;

    Progress(long next, int maxInflight, boolean learner) {
        this.next = next;
        this.inflights = new Inflights(maxInflight);
        this.learner = learner;
    }

    private void resetState(ProgressState s) {
        probeSent = false;
        pendingSnapshot = 0;
        state = s;
        inflights.reset();
    }

    void becomeProbe() {
        if (state == ProgressState.SNAPSHOT) {
            long pending = pendingSnapshot;
            resetState(ProgressState.PROBE);
            next = Math.max(match + 1, pending + 1);
        } else {
            resetState(ProgressState.PROBE);
            next = match + 1;
        }
    }

    void becomeReplicate() {
        resetState(ProgressState.REPLICATE);
        next = match + 1;
    }

    void becomeSnapshot(long snapshotIndex) {
        resetState(ProgressState.SNAPSHOT);
        pendingSnapshot = snapshotIndex;
    }

    /** Records an acknowledgement up to {@code index}; false if it told us nothing new. */
    boolean maybeUpdate(long index) {
        boolean updated = false;
        if (match < index) {
            match = index;
            updated = true;
            probeSent = false;
        }
        next = Math.max(next, index + 1);
        return updated;
    }

    void optimisticUpdate(long index) {
        next = index + 1;
    }

    /**
     * Handles a rejection of the append at {@code rejected}; {@code hint} is where the
     * follower suggests probing. False if the rejection is stale.
     */
    boolean maybeDecrTo(long rejected, long hint) {
        if (state == ProgressState.REPLICATE) {
            if (rejected <= match) {
                return false;
            }
            next = match + 1;
            return true;
        }
        if (next - 1 != rejected) {
            return false;
        }
        next = Math.max(Math.min(rejected, hint + 1), match + 1);
        probeSent = false;
        return true;
    }

    boolean isPaused() {
        return switch (state) {
            case PROBE -> probeSent;
            case REPLICATE -> inflights.full();
            case SNAPSHOT -> true;
        };
    }

    @Override
    public String toString() {
        return state + " match=" + match + " next=" + next + (learner ? " learner" : "")
                + (state == ProgressState.SNAPSHOT ? " pendingSnapshot=" + pendingSnapshot : "")
                + (probeSent ? " paused" : "") + (inflights.count() > 0 ? " inflight=" + inflights.count() : "");
    }
}
