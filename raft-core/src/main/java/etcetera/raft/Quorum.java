package etcetera.raft;

import java.util.Arrays;
import java.util.Collection;
import java.util.Map;

/** Majority arithmetic over a set of voters: what a quorum has committed, how an election stands. */
final class Quorum {

    private Quorum() {
    }

    /** The outcome of counting votes. */
    enum VoteResult { PENDING, WON, LOST }

    /**
     * The highest index that a majority of {@code voters} has acknowledged, given each
     * voter's acknowledged index ({@code 0} if absent). {@code Long.MAX_VALUE} for no voters,
     * so that an empty configuration never restrains anything.
     */
    static long committedIndex(Collection<Long> voters, Map<Long, Long> acked) {
        long[] idx = new long[voters.size()];
        int i = 0;
        for (long v : voters) {
            idx[i++] = acked.getOrDefault(v, 0L);
        }
        return committedIndex(idx);
    }

    /** The same over the voters' acknowledged indexes, in any order; sorts {@code acked} in place. */
    static long committedIndex(long[] acked) {
        if (acked.length == 0) {
            return Long.MAX_VALUE;
        }
        Arrays.sort(acked);
        // with n sorted ascending, the value at n - (n/2 + 1) is held by at least n/2 + 1 voters
        return acked[acked.length - (acked.length / 2 + 1)];
    }

    /** Whether {@code granted} voters ({@code rejected} against) have decided an election among {@code voters}. */
    static VoteResult voteResult(Collection<Long> voters, Map<Long, Boolean> votes) {
        if (voters.isEmpty()) {
            return VoteResult.WON;
        }
        int granted = 0;
        int rejected = 0;
        for (long v : voters) {
            Boolean b = votes.get(v);
            if (b == null) {
                continue;
            }
            if (b) {
                granted++;
            } else {
                rejected++;
            }
        }
        int q = voters.size() / 2 + 1;
        if (granted >= q) {
            return VoteResult.WON;
        }
        if (voters.size() - rejected < q) {
            return VoteResult.LOST;
        }
        return VoteResult.PENDING;
    }
}
