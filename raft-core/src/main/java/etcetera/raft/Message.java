package etcetera.raft;

import java.util.List;

/**
 * A message between members of a Raft group, produced by {@link RawNode#ready()} and fed to
 * the addressee's {@link RawNode#step(Message)} by the driver.
 *
 * <p>A sealed family rather than one record with a type enum (as etcd's {@code raftpb.Message}
 * is): each kind carries exactly the fields it uses, so a switch over the family is checked
 * for exhaustiveness by the compiler and no kind can be read through a field it never sets.
 * All kinds share {@link #from()}, {@link #to()} and {@link #term()}, which is all the generic
 * term-comparison rule needs.
 *
 * <p>A term of {@code 0} marks a message that is not bound to a term ({@link Propose} and
 * {@link ReadIndex} forwarded by a follower); such messages skip the term check.
 * Byte arrays inside messages are owned by the message and must not be modified.
 */
public sealed interface Message {

    /** The sender's id. */
    long from();

    /** The addressee's id. */
    long to();

    /** The sender's term ({@code 0}: not term-bound). */
    long term();

    /**
     * Leader to follower: append {@code entries} after the entry at {@code index} with term
     * {@code logTerm}, and learn the leader's commit index. Empty entries make it a probe.
     */
    record Append(long from, long to, long term, long logTerm, long index, List<Entry> entries, long commit)
            implements Message {
        public Append {
            entries = List.copyOf(entries);
        }
    }

    /**
     * Follower to leader: the answer to an {@link Append} or {@link InstallSnapshot}.
     *
     * @param index on success the follower's last index matching the leader; on rejection
     *     the {@code index} of the rejected append
     * @param reject whether the append did not match
     * @param rejectHint on rejection, the largest index whose term is at most the append's
     *     {@code logTerm} (where the leader should probe next)
     * @param hintTerm the term at {@code rejectHint}, {@code 0} if unknown
     */
    record AppendResponse(long from, long to, long term, long index, boolean reject, long rejectHint,
            long hintTerm) implements Message {
    }

    /**
     * Candidate to voter: a request for a vote (or for a pre-vote, which changes no term).
     *
     * @param term the term the candidate campaigns for (its term + 1 for a pre-vote)
     * @param leaderTransfer set when the campaign follows a {@link TimeoutNow}: voters
     *     then grant even while they believe a leader is alive
     */
    record Vote(long from, long to, long term, boolean preVote, long lastLogTerm, long lastLogIndex,
            boolean leaderTransfer) implements Message {
    }

    /** Voter to candidate: the answer to a {@link Vote}. A granted pre-vote carries the campaign's term. */
    record VoteResponse(long from, long to, long term, boolean preVote, boolean reject) implements Message {
    }

    /**
     * Leader to follower: "I am still leader"; carries {@code min(match, commit)} so the
     * follower never commits past what it holds, and a read-index context if reads are pending.
     */
    record Heartbeat(long from, long to, long term, long commit, byte[] context) implements Message {
    }

    /** Follower to leader: the answer to a {@link Heartbeat}, echoing its context. */
    record HeartbeatResponse(long from, long to, long term, byte[] context) implements Message {
    }

    /** Leader to a follower too far behind: replace your state with this snapshot. */
    record InstallSnapshot(long from, long to, long term, Snapshot snapshot) implements Message {
    }

    /** Leader to its chosen successor: start an election now, bypassing leases. */
    record TimeoutNow(long from, long to, long term) implements Message {
    }

    /** Follower to leader ({@code term} 0): confirm leadership and tell me the commit index. */
    record ReadIndex(long from, long to, long term, byte[] context) implements Message {
    }

    /** Leader to follower: the confirmed read index for the request with {@code context}. */
    record ReadIndexResponse(long from, long to, long term, long index, byte[] context) implements Message {
    }

    /** Follower to leader ({@code term} 0): proposals forwarded for the leader to append. */
    record Propose(long from, long to, long term, List<Entry> entries) implements Message {
        public Propose {
            entries = List.copyOf(entries);
        }
    }

    /** Follower to leader: please hand leadership to {@code transferee}. */
    record TransferLeader(long from, long to, long term, long transferee) implements Message {
    }
}
