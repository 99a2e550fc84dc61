package etcetera.raft;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/**
 * One member of a Raft group as a pure state machine: the driver feeds it time
 * ({@link #tick()}), messages ({@link #step(Message)}) and requests ({@link #propose(byte[])},
 * {@link #readIndex(byte[])}, ...), then collects the work to do with {@link #ready()} and
 * acknowledges it with {@link #advance(Ready)}. It performs no I/O and reads no clock; its
 * only randomness (the election timeout) comes from the generator it is given.
 *
 * <p>Not thread-safe: one thread (the driver's node loop) owns it and its storage.
 * At most one {@link Ready} may be outstanding: call {@code advance} before the next {@code ready}.
 * While a Ready's writes are in progress the driver may keep calling {@code tick}, {@code step}
 * and the request methods; what they produce comes out in the next Ready.
 */
public final class RawNode {

    private final Raft raft;
    private SoftState prevSoft;
    private HardState prevHard;
    private Ready outstanding;

    /**
     * Starts (or restarts) a member from what {@code storage} holds.
     *
     * @param options this member's configuration
     * @param storage its durable log, written by the driver
     * @param random the source of election-timeout jitter (seed it for reproducible runs)
     */
    public RawNode(RaftOptions options, RaftStorage storage, RandomGenerator random) {
        this.raft = new Raft(options, storage, random);
        this.prevSoft = raft.softState();
        this.prevHard = raft.hardState();
    }

    /**
     * Starts a brand-new group: writes one committed {@code ADD_NODE} entry per voter at indexes
     * {@code 1..n} (term 1) and applies them, so that every log — including the log a later
     * member receives from the leader — holds the group's full membership history. The first
     * {@link Ready} carries them as entries to persist and as committed entries to apply (applying
     * them again is harmless). Only valid on an empty log.
     *
     * <p>The driver must persist that first Ready before it starts ticking or exchanging messages,
     * and a member that restarts without it must bootstrap again: a log holding only a prefix of
     * the bootstrap entries describes a smaller group that never existed (e.g. member 1 alone),
     * in which a member could elect itself.
     *
     * @param voters the initial voters, each with the context the application wants in its entry
     */
    public void bootstrap(Map<Long, byte[]> voters) {
        raft.bootstrap(voters);
    }

    /** Advances logical time by one tick (election and heartbeat timeouts are counted in ticks). */
    public void tick() {
        raft.tick();
    }

    /** Hands a message from another member to the algorithm. */
    public StepOutcome step(Message message) {
        if (message.to() != raft.id) {
            return StepOutcome.IGNORED;
        }
        return raft.step(message);
    }

    /** Proposes application data to be appended to the log (forwarded when this member follows). */
    public StepOutcome propose(byte[] data) {
        return raft.propose(List.of(Entry.normal(0, 0, data)));
    }

    /** Proposes a membership change; dropped while another is pending. */
    public StepOutcome proposeConfChange(ConfChange change) {
        return raft.propose(List.of(new Entry(0, 0, EntryType.CONF_CHANGE, change.encode())));
    }

    /** Applies a committed membership change and returns the resulting configuration. */
    public ConfState applyConfChange(ConfChange change) {
        return raft.applyConfChange(change);
    }

    /**
     * Requests a linearizable read: a {@link ReadState} with the same {@code context} appears in a
     * later {@link Ready}. Contexts must be unique among pending reads.
     */
    public StepOutcome readIndex(byte[] context) {
        return raft.readIndex(context);
    }

    /** Asks the leader to hand leadership to {@code transferee}. */
    public StepOutcome transferLeader(long transferee) {
        return raft.transferLeader(transferee);
    }

    /** Starts an election now (with pre-vote if configured). */
    public StepOutcome campaign() {
        return raft.campaign();
    }

    /** Reports whether a snapshot sent to {@code to} was installed ({@code true}) or failed. */
    public void reportSnapshot(long to, boolean success) {
        raft.reportSnapshot(to, success);
    }

    /** Reports that the last message to {@code to} could not be delivered. */
    public void reportUnreachable(long to) {
        raft.reportUnreachable(to);
    }

    /** Whether {@link #ready()} would return any work. */
    public boolean hasReady() {
        if (outstanding != null) {
            return false;
        }
        RaftLog log = raft.log;
        return !raft.softState().equals(prevSoft) || !raft.hardState().equals(prevHard)
                || log.unstableSnapshot() != null || log.hasUnstableEntries()
                || log.hasNextCommittedEntries() || !raft.msgs.isEmpty() || !raft.readStates.isEmpty();
    }

    /** Collects the work to do; the caller must {@link #advance(Ready)} it before asking again. */
    public Ready ready() {
        if (outstanding != null) {
            throw new IllegalStateException("the previous Ready has not been advanced");
        }
        RaftLog log = raft.log;
        SoftState soft = raft.softState();
        HardState hard = raft.hardState();
        List<Entry> entries = log.unstableEntries();
        Snapshot snap = log.unstableSnapshot();
        boolean mustSync = !entries.isEmpty() || snap != null || hard.term() != prevHard.term()
                || hard.vote() != prevHard.vote();
        Ready rd = new Ready(soft.equals(prevSoft) ? Optional.empty() : Optional.of(soft),
                hard.equals(prevHard) ? Optional.empty() : Optional.of(hard), raft.readStates, entries,
                Optional.ofNullable(snap), log.nextCommittedEntries(), raft.msgs, mustSync);
        raft.msgs.clear();
        raft.readStates.clear();
        outstanding = rd;
        return rd;
    }

    /** Acknowledges that {@code ready} was persisted, sent and applied as its Javadoc describes. */
    public void advance(Ready ready) {
        if (ready != outstanding) {
            throw new IllegalStateException("advance of a Ready that is not the outstanding one");
        }
        outstanding = null;
        ready.softState().ifPresent(s -> prevSoft = s);
        ready.hardState().ifPresent(h -> prevHard = h);
        RaftLog log = raft.log;
        ready.snapshot().ifPresent(s -> log.stableSnapshotTo(s.index()));
        if (!ready.entries().isEmpty()) {
            Entry last = ready.entries().getLast();
            log.stableTo(last.index(), last.term());
        }
        if (!ready.committedEntries().isEmpty()) {
            log.appliedTo(ready.committedEntries().getLast().index());
            long bytes = 0;
            for (Entry e : ready.committedEntries()) {
                bytes += e.data().length;
            }
            raft.reduceUncommittedSize(bytes);
        } else {
            ready.snapshot().ifPresent(s -> log.appliedTo(Math.max(log.applied, s.index())));
        }
        raft.onPersisted();
    }

    /** This member's id. */
    public long id() {
        return raft.id;
    }

    /** A snapshot of the current state. */
    public Status status() {
        Map<Long, Status.ProgressView> prs = new TreeMap<>();
        if (raft.role == Role.LEADER) {
            raft.progress.forEach((k, p) -> prs.put(k,
                    new Status.ProgressView(p.match, p.next, p.state, p.learner, p.recentActive)));
        }
        return new Status(raft.id, raft.hardState(), raft.softState(), raft.log.applied, raft.leadTransferee, prs);
    }

    /** Package-private access for tests in this package (simulation and scenario drivers). */
    Raft raft() {
        return raft;
    }
}
