package etcetera.raft;

import java.util.List;
import java.util.Optional;

/**
 * One batch of work the state machine hands to its driver. The driver carries it out in
 * this order and then calls {@link RawNode#advance(Ready)}:
 * <ol>
 *   <li>persist {@link #snapshot()} (if present), then {@link #entries()}, then
 *       {@link #hardState()} (if present) — with an fsync when {@link #mustSync()};</li>
 *   <li>send {@link #messages()}. Those for which {@link #sendableBeforePersisting(Message)} holds
 *       (a leader's appends, heartbeats, snapshots, ...) may leave while the writes are in progress:
 *       a leader counts its own copy of an entry only after {@code advance}. All others (votes,
 *       acknowledgements) promise durability and must leave only after the writes completed;</li>
 *   <li>apply {@link #snapshot()} to the state machine, then {@link #committedEntries()} in
 *       order (calling {@link RawNode#applyConfChange(ConfChange)} for membership changes);</li>
 *   <li>serve the reads in {@link #readStates()} once the applied index reaches theirs.</li>
 * </ol>
 *
 * @param softState the new leader/role, if either changed
 * @param hardState the new term/vote/commit to persist, if any changed
 * @param readStates linearizable reads confirmed since the last Ready
 * @param entries entries to append to durable storage (they may replace a stored tail)
 * @param snapshot a snapshot received from the leader, to persist and apply
 * @param committedEntries committed entries to apply to the state machine, in order
 * @param messages messages to send to other members
 * @param mustSync whether the writes must be fsynced before messages that depend on them
 *     leave (new entries, a new term or vote, or a snapshot)
 */
public record Ready(Optional<SoftState> softState, Optional<HardState> hardState, List<ReadState> readStates,
        List<Entry> entries, Optional<Snapshot> snapshot, List<Entry> committedEntries, List<Message> messages,
        boolean mustSync) {

    /**
     * Whether {@code message} may be sent before this Ready's writes are durable. True for what a
     * leader sends (its own durability is accounted for separately); false for votes,
     * acknowledgements and forwarded requests, which promise that something is on disk.
     */
    public static boolean sendableBeforePersisting(Message message) {
        return switch (message) {
            case Message.Append a -> true;
            case Message.Heartbeat h -> true;
            case Message.InstallSnapshot s -> true;
            case Message.TimeoutNow t -> true;
            case Message.ReadIndexResponse r -> true;
            case Message.AppendResponse r -> false;
            case Message.Vote v -> false;
            case Message.VoteResponse r -> false;
            case Message.HeartbeatResponse r -> false;
            case Message.ReadIndex r -> false;
            case Message.Propose p -> false;
            case Message.TransferLeader t -> false;
        };
    }

    public Ready {
        readStates = List.copyOf(readStates);
        entries = List.copyOf(entries);
        committedEntries = List.copyOf(committedEntries);
        messages = List.copyOf(messages);
    }
}
