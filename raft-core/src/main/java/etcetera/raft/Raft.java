package etcetera.raft;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/**
 * The Raft algorithm of one member: roles, terms, votes, the log and, when leading, the
 * replication state of every other member. A deterministic function of its inputs (ticks,
 * messages, proposals and the seeded random source); its outputs are queued messages and
 * read states plus the log's changes, which {@link RawNode} packages into a {@link Ready}.
 * Owned by the thread that drives its {@link RawNode}.
 */
final class Raft {

    static final long NONE = 0;

    private enum Campaign { PRE_ELECTION, ELECTION, TRANSFER }

    private record PendingRead(long requester, byte[] context) {
    }

    final long id;
    final RaftOptions options;
    final RaftLog log;
    private final RandomGenerator random;

    long term;
    long vote;
    long lead;
    Role role = Role.FOLLOWER;

    /** Every member (voters and learners) by id, in id order so that output is deterministic. */
    final TreeMap<Long, Progress> progress = new TreeMap<>();
    private final Map<Long, Boolean> votes = new HashMap<>();

    final List<Message> msgs = new ArrayList<>();
    final List<ReadState> readStates = new ArrayList<>();
    private final ReadIndexQueue readQueue = new ReadIndexQueue();
    /** Reads that arrived before this leader committed an entry of its own term. */
    private final List<PendingRead> deferredReads = new ArrayList<>();

    long leadTransferee;
    /** A conf change at an index above {@code applied} is still pending; none may be proposed. */
    long pendingConfIndex;
    long uncommittedSize;

    int electionElapsed;
    private int heartbeatElapsed;
    int randomizedElectionTimeout;

    /** Test-only: when set, a leader commits entries of earlier terms by counting (a safety bug). */
    boolean unsafeCommitAnyTerm;

    Raft(RaftOptions options, RaftStorage storage, RandomGenerator random) {
        this.id = options.id();
        this.options = options;
        this.random = random;
        this.log = new RaftLog(storage, options.maxCommittedSizePerReady());
        RaftStorage.InitialState init = storage.initialState();
        restoreConfState(init.confState());
        HardState hs = init.hardState();
        if (!hs.equals(HardState.EMPTY)) {
            if (hs.commit() > log.lastIndex()) {
                throw new IllegalStateException("hard state commit " + hs.commit() + " beyond the last index "
                        + log.lastIndex() + ": the log lost entries that were committed");
            }
            // a commit below the log's start is an older hard state (a torn write after a snapshot):
            // the snapshot itself proves everything it covers was committed
            log.committed = Math.max(log.committed, hs.commit());
            term = hs.term();
            vote = hs.vote();
        }
        // entries up to the snapshot are in the application's state already, even if the log still holds them
        long snapshotIndex = storage.snapshot().index();
        if (snapshotIndex > log.committed) {
            log.commitTo(snapshotIndex);
        }
        long applied = options.applied() > 0 ? options.applied() : snapshotIndex;
        if (applied > log.applied) {
            log.appliedTo(applied);
        }
        becomeFollower(term, NONE);
    }

    // ----------------------------------------------------------------- state queries

    HardState hardState() {
        return new HardState(term, vote, log.committed);
    }

    SoftState softState() {
        return new SoftState(lead, role);
    }

    /** A member may campaign only as a voter of its own configuration. */
    boolean promotable() {
        Progress p = progress.get(id);
        return p != null && !p.learner;
    }

    /** The voters' ids in order, recomputed whenever membership changes (read on every commit check). */
    private List<Long> voterIds = List.of();

    List<Long> voters() {
        return voterIds;
    }

    private void membershipChanged() {
        List<Long> v = new ArrayList<>();
        progress.forEach((k, p) -> {
            if (!p.learner) {
                v.add(k);
            }
        });
        voterIds = List.copyOf(v);
    }

    ConfState confState() {
        List<Long> learners = new ArrayList<>();
        progress.forEach((k, p) -> {
            if (p.learner) {
                learners.add(k);
            }
        });
        return new ConfState(voters(), learners, List.of(), List.of(), false);
    }

    private void restoreConfState(ConfState cs) {
        if (!cs.votersOutgoing().isEmpty()) {
            throw new IllegalArgumentException("joint configurations are not supported: " + cs);
        }
        progress.clear();
        for (long v : cs.voters()) {
            progress.put(v, newProgress(false));
        }
        for (long l : cs.learners()) {
            progress.put(l, newProgress(true));
        }
        membershipChanged();
    }

    private Progress newProgress(boolean learner) {
        Progress p = new Progress(log.lastIndex() + 1, options.maxInflightMsgs(), learner);
        p.recentActive = true;
        return p;
    }

    void bootstrap(Map<Long, byte[]> voters) {
        if (log.lastIndex() != 0 || term != 0 || !progress.isEmpty()) {
            throw new IllegalStateException("bootstrap needs an empty log and no membership (last index "
                    + log.lastIndex() + ", term " + term + ", members " + progress.keySet() + ")");
        }
        if (voters.isEmpty()) {
            throw new IllegalArgumentException("bootstrap needs at least one voter");
        }
        List<Entry> entries = new ArrayList<>();
        List<ConfChange> changes = new ArrayList<>();
        new TreeMap<>(voters).forEach((voter, context) -> {
            ConfChange cc = new ConfChange(0, ConfChange.Type.ADD_NODE, voter, context);
            changes.add(cc);
            entries.add(new Entry(1, entries.size() + 1, EntryType.CONF_CHANGE, cc.encode()));
        });
        becomeFollower(1, NONE);
        log.append(entries);
        log.committed = entries.size();
        changes.forEach(this::applyConfChange);
    }

    // ----------------------------------------------------------------- role changes

    private void reset(long newTerm) {
        if (term != newTerm) {
            term = newTerm;
            vote = NONE;
        }
        lead = NONE;
        electionElapsed = 0;
        heartbeatElapsed = 0;
        randomizedElectionTimeout = options.electionTicks() + random.nextInt(options.electionTicks());
        leadTransferee = NONE;
        votes.clear();
        progress.forEach((k, p) -> {
            Progress fresh = new Progress(log.lastIndex() + 1, options.maxInflightMsgs(), p.learner);
            if (k == id) {
                fresh.match = log.stableIndex();
            }
            progress.put(k, fresh);
        });
        pendingConfIndex = 0;
        uncommittedSize = 0;
        readQueue.clear();
        deferredReads.clear();
    }

    void becomeFollower(long newTerm, long leader) {
        reset(newTerm);
        lead = leader;
        role = Role.FOLLOWER;
    }

    private void becomePreCandidate() {
        if (role == Role.LEADER) {
            throw new IllegalStateException("leader cannot become pre-candidate");
        }
        // no reset: the term and vote stay, only the counting starts afresh
        votes.clear();
        lead = NONE;
        role = Role.PRE_CANDIDATE;
    }

    private void becomeCandidate() {
        if (role == Role.LEADER) {
            throw new IllegalStateException("leader cannot become candidate");
        }
        reset(term + 1);
        vote = id;
        role = Role.CANDIDATE;
    }

    private void becomeLeader() {
        reset(term);
        lead = id;
        role = Role.LEADER;
        Progress self = progress.get(id);
        if (self != null) {
            self.becomeReplicate();
            self.match = log.stableIndex();
            self.next = log.lastIndex() + 1;
        }
        // a conf change may hide among the entries this leader has not applied; be conservative
        pendingConfIndex = log.lastIndex();
        // the empty entry of the new term lets earlier-term entries commit with it
        log.append(List.of(Entry.normal(term, log.lastIndex() + 1, null)));
    }

    // ----------------------------------------------------------------- ticks

    void tick() {
        if (role == Role.LEADER) {
            tickLeader();
        } else {
            electionElapsed++;
            if (promotable() && electionElapsed >= randomizedElectionTimeout) {
                electionElapsed = 0;
                campaign();
            }
        }
    }

    private void tickLeader() {
        heartbeatElapsed++;
        electionElapsed++;
        if (electionElapsed >= options.electionTicks()) {
            electionElapsed = 0;
            if (options.checkQuorum() && !quorumActive()) {
                becomeFollower(term, NONE);
                return;
            }
            // a transfer that did not finish within an election timeout is abandoned
            leadTransferee = NONE;
        }
        if (role == Role.LEADER && heartbeatElapsed >= options.heartbeatTicks()) {
            heartbeatElapsed = 0;
            broadcastHeartbeat(readQueue.lastContext());
        }
    }

    /** Whether a quorum of voters was heard from since the last check; resets the marks. */
    private boolean quorumActive() {
        Map<Long, Boolean> active = new HashMap<>();
        progress.forEach((k, p) -> {
            if (k == id) {
                active.put(k, true);
            } else {
                active.put(k, p.recentActive);
                p.recentActive = false;
            }
        });
        return Quorum.voteResult(voters(), active) == Quorum.VoteResult.WON;
    }

    // ----------------------------------------------------------------- elections

    /** Starts an election (with pre-vote if configured) unless this member may not campaign. */
    StepOutcome campaign() {
        if (role == Role.LEADER || !promotable()) {
            return StepOutcome.IGNORED;
        }
        if (log.hasUnappliedConfChange()) {
            // the configuration we would campaign under may be about to change
            return StepOutcome.IGNORED;
        }
        campaign(options.preVote() ? Campaign.PRE_ELECTION : Campaign.ELECTION);
        return StepOutcome.ACCEPTED;
    }

    private void campaign(Campaign kind) {
        if (!promotable()) {
            return;
        }
        boolean pre = kind == Campaign.PRE_ELECTION;
        long voteTerm;
        if (pre) {
            becomePreCandidate();
            voteTerm = term + 1;
        } else {
            becomeCandidate();
            voteTerm = term;
        }
        if (poll(id, true) == Quorum.VoteResult.WON) {
            if (pre) {
                campaign(Campaign.ELECTION);
            } else {
                becomeLeader();
                broadcastAppend();
            }
            return;
        }
        for (long v : voters()) {
            if (v != id) {
                send(new Message.Vote(id, v, voteTerm, pre, log.lastTerm(), log.lastIndex(),
                        kind == Campaign.TRANSFER));
            }
        }
    }

    private Quorum.VoteResult poll(long from, boolean granted) {
        votes.putIfAbsent(from, granted);
        return Quorum.voteResult(voters(), votes);
    }

    // ----------------------------------------------------------------- message handling

    StepOutcome step(Message m) {
        if (m.term() > term) {
            if (m instanceof Message.Vote v && !v.leaderTransfer() && options.checkQuorum() && lead != NONE
                    && electionElapsed < options.electionTicks()) {
                // leader stickiness: we heard from a live leader within the lease; refuse to be disrupted
                return StepOutcome.IGNORED;
            }
            boolean keepTerm = (m instanceof Message.Vote v && v.preVote())
                    || (m instanceof Message.VoteResponse r && r.preVote() && !r.reject());
            if (!keepTerm) {
                boolean fromLeader = m instanceof Message.Append || m instanceof Message.Heartbeat
                        || m instanceof Message.InstallSnapshot;
                becomeFollower(m.term(), fromLeader ? m.from() : NONE);
            }
        } else if (m.term() < term && m.term() != 0) {
            if ((options.checkQuorum() || options.preVote())
                    && (m instanceof Message.Heartbeat || m instanceof Message.Append)) {
                // a stale leader (e.g. back from a partition) learns our term and steps down; without this
                // it could keep us from ever electing under check-quorum/pre-vote
                send(new Message.AppendResponse(id, m.from(), term, 0, false, 0, 0));
            } else if (m instanceof Message.Vote v && v.preVote()) {
                send(new Message.VoteResponse(id, m.from(), term, true, true));
            }
            return StepOutcome.IGNORED;
        }
        if (m instanceof Message.Vote v) {
            handleVote(v);
            return StepOutcome.ACCEPTED;
        }
        return switch (role) {
            case LEADER -> stepLeader(m);
            case CANDIDATE, PRE_CANDIDATE -> stepCandidate(m);
            case FOLLOWER -> stepFollower(m);
        };
    }

    private void handleVote(Message.Vote v) {
        boolean canVote = vote == v.from() || (vote == NONE && lead == NONE) || (v.preVote() && v.term() > term);
        if (canVote && log.isUpToDate(v.lastLogTerm(), v.lastLogIndex())) {
            // a granted pre-vote carries the campaign's term so the candidate does not mistake it for stale
            send(new Message.VoteResponse(id, v.from(), v.term(), v.preVote(), false));
            if (!v.preVote()) {
                electionElapsed = 0;
                vote = v.from();
            }
        } else {
            send(new Message.VoteResponse(id, v.from(), term, v.preVote(), true));
        }
    }

    private StepOutcome stepLeader(Message m) {
        switch (m) {
            case Message.Propose p -> {
                return appendProposal(p.entries());
            }
            case Message.ReadIndex r -> {
                leaderReadIndex(r.from(), r.context());
                return StepOutcome.ACCEPTED;
            }
            case Message.TransferLeader t -> {
                return transferLeader(t.transferee());
            }
            case Message.AppendResponse r -> handleAppendResponse(r);
            case Message.HeartbeatResponse r -> handleHeartbeatResponse(r);
            default -> {
                return StepOutcome.IGNORED;
            }
        }
        return StepOutcome.ACCEPTED;
    }

    private StepOutcome stepCandidate(Message m) {
        switch (m) {
            case Message.Append a -> {
                becomeFollower(m.term(), m.from());
                handleAppend(a);
            }
            case Message.Heartbeat h -> {
                becomeFollower(m.term(), m.from());
                handleHeartbeat(h);
            }
            case Message.InstallSnapshot s -> {
                becomeFollower(m.term(), m.from());
                handleSnapshot(s);
            }
            case Message.VoteResponse r when r.preVote() == (role == Role.PRE_CANDIDATE) -> {
                switch (poll(r.from(), !r.reject())) {
                    case WON -> {
                        if (role == Role.PRE_CANDIDATE) {
                            campaign(Campaign.ELECTION);
                        } else {
                            becomeLeader();
                            broadcastAppend();
                        }
                    }
                    case LOST -> becomeFollower(term, NONE);
                    case PENDING -> { }
                }
            }
            case Message.Propose p -> {
                return StepOutcome.DROPPED_NO_LEADER;
            }
            default -> {
                return StepOutcome.IGNORED;
            }
        }
        return StepOutcome.ACCEPTED;
    }

    private StepOutcome stepFollower(Message m) {
        switch (m) {
            case Message.Append a -> {
                electionElapsed = 0;
                lead = m.from();
                handleAppend(a);
            }
            case Message.Heartbeat h -> {
                electionElapsed = 0;
                lead = m.from();
                handleHeartbeat(h);
            }
            case Message.InstallSnapshot s -> {
                electionElapsed = 0;
                lead = m.from();
                handleSnapshot(s);
            }
            case Message.Propose p -> {
                return forwardProposal(p.entries());
            }
            case Message.TransferLeader t -> {
                if (lead == NONE) {
                    return StepOutcome.DROPPED_NO_LEADER;
                }
                send(new Message.TransferLeader(id, lead, term, t.transferee()));
            }
            case Message.TimeoutNow t -> {
                if (!promotable()) {
                    return StepOutcome.IGNORED;
                }
                // the leader chose us: campaign at once, skipping pre-vote and the voters' leases
                campaign(Campaign.TRANSFER);
            }
            case Message.ReadIndexResponse r -> readStates.add(new ReadState(r.index(), r.context()));
            default -> {
                return StepOutcome.IGNORED;
            }
        }
        return StepOutcome.ACCEPTED;
    }

    private void handleAppend(Message.Append a) {
        if (a.index() < log.committed) {
            send(new Message.AppendResponse(id, a.from(), term, log.committed, false, 0, 0));
            return;
        }
        long lastNew = log.maybeAppend(a.index(), a.logTerm(), a.commit(), a.entries());
        if (lastNew >= 0) {
            send(new Message.AppendResponse(id, a.from(), term, lastNew, false, 0, 0));
            return;
        }
        // point the leader at the last index whose term could match its log, skipping whole terms
        long hint = log.findConflictByTerm(Math.min(a.index(), log.lastIndex()), a.logTerm());
        long hintTerm = Math.max(0, log.term(hint));
        send(new Message.AppendResponse(id, a.from(), term, a.index(), true, hint, hintTerm));
    }

    private void handleHeartbeat(Message.Heartbeat h) {
        log.commitTo(h.commit());
        send(new Message.HeartbeatResponse(id, h.from(), term, h.context()));
    }

    private void handleSnapshot(Message.InstallSnapshot s) {
        Snapshot snap = s.snapshot();
        if (restore(snap)) {
            send(new Message.AppendResponse(id, s.from(), term, log.lastIndex(), false, 0, 0));
        } else {
            send(new Message.AppendResponse(id, s.from(), term, log.committed, false, 0, 0));
        }
    }

    /** Installs {@code snap} unless it is stale or our log already holds it; true if installed. */
    private boolean restore(Snapshot snap) {
        if (snap.index() <= log.committed) {
            return false;
        }
        if (log.matchTerm(snap.index(), snap.term())) {
            // our log has the snapshot's last entry, so it holds everything before too: just commit
            log.commitTo(snap.index());
            return false;
        }
        log.restore(snap);
        restoreConfState(snap.metadata().confState());
        return true;
    }

    // ----------------------------------------------------------------- leader: replication

    private void handleAppendResponse(Message.AppendResponse r) {
        Progress pr = progress.get(r.from());
        if (pr == null) {
            return;
        }
        pr.recentActive = true;
        if (r.reject()) {
            long next = r.rejectHint();
            if (r.hintTerm() > 0) {
                next = log.findConflictByTerm(r.rejectHint(), r.hintTerm());
            }
            if (pr.maybeDecrTo(r.index(), next)) {
                if (pr.state == ProgressState.REPLICATE) {
                    pr.becomeProbe();
                }
                sendAppend(r.from());
            }
            return;
        }
        boolean wasPaused = pr.isPaused();
        if (!pr.maybeUpdate(r.index())) {
            return;
        }
        switch (pr.state) {
            case PROBE -> pr.becomeReplicate();
            case SNAPSHOT -> {
                if (pr.match + 1 >= log.firstIndex() || pr.match >= pr.pendingSnapshot) {
                    pr.becomeProbe();
                    pr.becomeReplicate();
                }
            }
            case REPLICATE -> pr.inflights.freeLE(r.index());
        }
        if (maybeCommit()) {
            releaseDeferredReads();
            broadcastAppend();
        } else if (wasPaused) {
            sendAppend(r.from());
        }
        // pipelining: keep sending while the window allows and there is something new
        while (maybeSendAppend(r.from(), false)) {
            // each call sends one message
        }
        if (r.from() == leadTransferee && pr.match == log.lastIndex()) {
            send(new Message.TimeoutNow(id, r.from(), term));
        }
    }

    private void handleHeartbeatResponse(Message.HeartbeatResponse r) {
        Progress pr = progress.get(r.from());
        if (pr == null) {
            return;
        }
        pr.recentActive = true;
        pr.probeSent = false;
        if (pr.state == ProgressState.REPLICATE && pr.inflights.full()) {
            pr.inflights.freeFirstOne();
        }
        if (pr.match < log.lastIndex()) {
            sendAppend(r.from());
        }
        if (r.context().length == 0) {
            return;
        }
        if (Quorum.voteResult(voters(), asVotes(readQueue.ack(r.context(), r.from()))) == Quorum.VoteResult.WON) {
            for (ReadIndexQueue.Request req : readQueue.release(r.context())) {
                answerRead(req.requester(), req.index(), req.context());
            }
        }
    }

    private static Map<Long, Boolean> asVotes(Set<Long> acks) {
        Map<Long, Boolean> m = new HashMap<>();
        acks.forEach(a -> m.put(a, true));
        return m;
    }

    /** Advances the commit index to what a quorum of voters has persisted, if that is of this term. */
    boolean maybeCommit() {
        long[] match = new long[voterIds.size()];
        for (int i = 0; i < match.length; i++) {
            match[i] = progress.get(voterIds.get(i)).match;
        }
        long index = Quorum.committedIndex(match);
        if (index == Long.MAX_VALUE) {
            return false;
        }
        if (unsafeCommitAnyTerm) {
            if (index > log.committed && index <= log.lastIndex()) {
                log.commitTo(index);
                return true;
            }
            return false;
        }
        return log.maybeCommit(index, term);
    }

    void sendAppend(long to) {
        maybeSendAppend(to, true);
    }

    private boolean maybeSendAppend(long to, boolean sendIfEmpty) {
        Progress pr = progress.get(to);
        if (pr == null || pr.isPaused()) {
            return false;
        }
        long prevIndex = pr.next - 1;
        long prevTerm = log.term(prevIndex);
        List<Entry> ents = prevTerm == RaftLog.UNAVAILABLE ? null : log.entriesFrom(pr.next, options.maxSizePerMsg());
        if (ents == null) {
            // the follower needs entries we compacted: send the snapshot instead
            if (!pr.recentActive) {
                return false;
            }
            Snapshot snap = log.snapshot();
            if (snap.isEmpty()) {
                throw new IllegalStateException("need a snapshot for " + to + " but storage has none");
            }
            pr.becomeSnapshot(snap.index());
            send(new Message.InstallSnapshot(id, to, term, snap));
            return true;
        }
        if (ents.isEmpty() && !sendIfEmpty) {
            return false;
        }
        send(new Message.Append(id, to, term, prevTerm, prevIndex, ents, log.committed));
        if (!ents.isEmpty()) {
            long last = ents.getLast().index();
            switch (pr.state) {
                case REPLICATE -> {
                    pr.optimisticUpdate(last);
                    pr.inflights.add(last);
                }
                case PROBE -> pr.probeSent = true;
                case SNAPSHOT -> throw new IllegalStateException("append while sending a snapshot to " + to);
            }
        }
        return true;
    }

    void broadcastAppend() {
        for (long to : progress.keySet()) {
            if (to != id) {
                sendAppend(to);
            }
        }
    }

    private void broadcastHeartbeat(byte[] context) {
        progress.forEach((to, pr) -> {
            if (to != id) {
                // never tell a follower to commit past what it is known to hold
                send(new Message.Heartbeat(id, to, term, Math.min(pr.match, log.committed), context));
            }
        });
    }

    /** The driver persisted the log up to {@link RaftLog#stableIndex()}; a leader counts its own copy now. */
    void onPersisted() {
        if (role != Role.LEADER) {
            return;
        }
        Progress self = progress.get(id);
        if (self != null && self.maybeUpdate(log.stableIndex()) && maybeCommit()) {
            releaseDeferredReads();
            broadcastAppend();
        }
    }

    // ----------------------------------------------------------------- proposals

    StepOutcome propose(List<Entry> entries) {
        return switch (role) {
            case LEADER -> appendProposal(entries);
            case FOLLOWER -> forwardProposal(entries);
            case CANDIDATE, PRE_CANDIDATE -> StepOutcome.DROPPED_NO_LEADER;
        };
    }

    private StepOutcome forwardProposal(List<Entry> entries) {
        if (lead == NONE) {
            return StepOutcome.DROPPED_NO_LEADER;
        }
        if (options.disableProposalForwarding()) {
            return StepOutcome.DROPPED_FORWARDING_DISABLED;
        }
        send(new Message.Propose(id, lead, 0, entries));
        return StepOutcome.ACCEPTED;
    }

    private StepOutcome appendProposal(List<Entry> proposed) {
        if (progress.get(id) == null) {
            // removed from the group; it must not append
            return StepOutcome.DROPPED_NO_LEADER;
        }
        if (leadTransferee != NONE) {
            return StepOutcome.DROPPED_LEADER_TRANSFER;
        }
        long size = 0;
        boolean hasConfChange = false;
        for (Entry e : proposed) {
            size += e.data().length;
            hasConfChange |= e.type() == EntryType.CONF_CHANGE;
        }
        if (hasConfChange && (pendingConfIndex > log.applied || proposed.size() > 1)) {
            return StepOutcome.DROPPED_CONF_CHANGE_PENDING;
        }
        long max = options.maxUncommittedEntriesSize();
        if (max > 0 && uncommittedSize > 0 && size > 0 && uncommittedSize + size > max) {
            return StepOutcome.DROPPED_TOO_MANY_UNCOMMITTED;
        }
        uncommittedSize += size;
        long index = log.lastIndex();
        List<Entry> stamped = new ArrayList<>(proposed.size());
        for (Entry e : proposed) {
            stamped.add(new Entry(term, ++index, e.type(), e.data()));
        }
        if (hasConfChange) {
            pendingConfIndex = index;
        }
        log.append(stamped);
        broadcastAppend();
        return StepOutcome.ACCEPTED;
    }

    /** The application applied entries totalling {@code bytes} of payload; they no longer count as uncommitted. */
    void reduceUncommittedSize(long bytes) {
        uncommittedSize = Math.max(0, uncommittedSize - bytes);
    }

    // ----------------------------------------------------------------- reads

    StepOutcome readIndex(byte[] context) {
        if (role == Role.LEADER) {
            leaderReadIndex(id, context);
            return StepOutcome.ACCEPTED;
        }
        if (lead == NONE) {
            return StepOutcome.DROPPED_NO_LEADER;
        }
        send(new Message.ReadIndex(id, lead, 0, context));
        return StepOutcome.ACCEPTED;
    }

    private void leaderReadIndex(long requester, byte[] context) {
        if (log.term(log.committed) != term) {
            // until an entry of our term commits, our commit index may lag the true one: defer
            deferredReads.add(new PendingRead(requester, context));
            return;
        }
        readQueue.add(log.committed, requester, context);
        if (Quorum.voteResult(voters(), asVotes(readQueue.ack(context, id))) == Quorum.VoteResult.WON) {
            for (ReadIndexQueue.Request req : readQueue.release(context)) {
                answerRead(req.requester(), req.index(), req.context());
            }
            return;
        }
        broadcastHeartbeat(context);
    }

    private void releaseDeferredReads() {
        if (deferredReads.isEmpty() || log.term(log.committed) != term) {
            return;
        }
        List<PendingRead> reads = List.copyOf(deferredReads);
        deferredReads.clear();
        for (PendingRead r : reads) {
            leaderReadIndex(r.requester(), r.context());
        }
    }

    private void answerRead(long requester, long index, byte[] context) {
        if (requester == id) {
            readStates.add(new ReadState(index, context));
        } else {
            send(new Message.ReadIndexResponse(id, requester, term, index, context));
        }
    }

    // ----------------------------------------------------------------- leader transfer

    StepOutcome transferLeader(long transferee) {
        if (role != Role.LEADER) {
            if (lead == NONE) {
                return StepOutcome.DROPPED_NO_LEADER;
            }
            send(new Message.TransferLeader(id, lead, term, transferee));
            return StepOutcome.ACCEPTED;
        }
        Progress pr = progress.get(transferee);
        if (pr == null || pr.learner || transferee == id || transferee == leadTransferee) {
            return StepOutcome.IGNORED;
        }
        leadTransferee = transferee;
        // the transfer must finish within one election timeout or it is abandoned
        electionElapsed = 0;
        if (pr.match == log.lastIndex()) {
            send(new Message.TimeoutNow(id, transferee, term));
        } else {
            sendAppend(transferee);
        }
        return StepOutcome.ACCEPTED;
    }

    // ----------------------------------------------------------------- snapshots and membership

    void reportSnapshot(long to, boolean success) {
        Progress pr = progress.get(to);
        if (role != Role.LEADER || pr == null || pr.state != ProgressState.SNAPSHOT) {
            return;
        }
        if (!success) {
            pr.pendingSnapshot = 0;
        }
        pr.becomeProbe();
        // wait for the next heartbeat response (or append response) before probing again
        pr.probeSent = true;
    }

    void reportUnreachable(long to) {
        Progress pr = progress.get(to);
        if (role == Role.LEADER && pr != null && pr.state == ProgressState.REPLICATE) {
            pr.becomeProbe();
        }
    }

    ConfState applyConfChange(ConfChange cc) {
        switch (cc.type()) {
            case ADD_NODE, ADD_LEARNER_NODE -> {
                boolean learner = cc.type() == ConfChange.Type.ADD_LEARNER_NODE;
                Progress pr = progress.get(cc.nodeId());
                if (pr == null) {
                    Progress p = newProgress(learner);
                    if (cc.nodeId() == id) {
                        p.match = log.stableIndex();
                    }
                    progress.put(cc.nodeId(), p);
                } else {
                    pr.learner = learner;
                }
            }
            case REMOVE_NODE -> progress.remove(cc.nodeId());
            case UPDATE_NODE -> { }
        }
        membershipChanged();
        if ((role == Role.CANDIDATE || role == Role.PRE_CANDIDATE) && !promotable()) {
            // no longer a voter: an election it started must not make it leader of a group it left
            becomeFollower(term, NONE);
        }
        if (role == Role.LEADER) {
            if (!promotable()) {
                // removed (or demoted) leader: tell followers what is committed, then stand down
                broadcastAppend();
                becomeFollower(term, NONE);
            } else {
                if (maybeCommit()) {
                    releaseDeferredReads();
                    broadcastAppend();
                } else {
                    // new members get what there is to send; the rest hear the news with the next append
                    for (long to : progress.keySet()) {
                        if (to != id) {
                            maybeSendAppend(to, false);
                        }
                    }
                }
                if (leadTransferee != NONE && (progress.get(leadTransferee) == null
                        || progress.get(leadTransferee).learner)) {
                    leadTransferee = NONE;
                }
            }
        }
        return confState();
    }

    // ----------------------------------------------------------------- output

    private void send(Message m) {
        msgs.add(m);
    }
}
