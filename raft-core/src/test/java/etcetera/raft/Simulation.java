package etcetera.raft;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * A deterministic simulation of a Raft group in one thread: a seeded network that drops,
 * delays, reorders and duplicates messages and partitions members; crashes and restarts that
 * lose unpersisted state; random proposals, reads, leader transfers and snapshots. After every
 * step it checks Raft's safety properties and, after faults heal, liveness. Everything derives
 * from one seed, so a failing run replays exactly.
 */
final class Simulation implements SimNode.Observer {

    /** What a run may do, and how often (probabilities per tick). */
    record Faults(double drop, double duplicate, int maxDelay, double partition, double crash, double propose,
            double read, double transfer, double snapshot, double confChange, long maxSizePerMsg) {
        static final Faults DEFAULT = new Faults(0.1, 0.05, 3, 0.01, 0.005, 0.3, 0.05, 0.005, 0.02, 0.01, 64);
        /** Harsher: frequent crashes and partitions, one entry per append (exposes commit-rule bugs fast). */
        static final Faults HARSH = new Faults(0.2, 0.05, 4, 0.05, 0.03, 0.5, 0.05, 0.01, 0.01, 0.01, 1);
    }

    private record InFlight(long deliverAt, long seq, Message message) {
    }

    private record LogKey(long index, long term) {
    }

    private record LogValue(int dataHash, long prevTerm) {
    }

    final long seed;
    private final int size;
    private final SplittableRandom random;
    final Map<Long, SimNode> nodes = new TreeMap<>();
    private final List<InFlight> network = new ArrayList<>();
    private final Faults faults;
    private long now;
    private long seq;
    /** Member id → partition group; members in different groups cannot talk. */
    private final Map<Long, Integer> group = new HashMap<>();
    private boolean faultsOn = true;
    private long nextExtra;
    private byte[] marker = new byte[0];
    private long markerIndex;
    /** Members whose removal some member has applied; they stay up (and may try to disrupt) but are no longer checked. */
    private final Set<Long> removed = new HashSet<>();

    // invariant bookkeeping
    private final Map<Long, Long> leaderOfTerm = new HashMap<>();
    private final Map<LogKey, LogValue> logEntries = new HashMap<>();
    private final Map<Long, Entry> appliedAt = new HashMap<>();
    private long maxApplied;
    private long maxCommit;
    private final Map<String, Long> readFloor = new HashMap<>();
    private final Set<String> checkedLeaders = new HashSet<>();
    private int nextRead;
    private int nextProposal;
    final Map<String, Integer> counters = new LinkedHashMap<>();

    /** Test-only fault injection: make every member commit earlier-term entries by counting. */
    boolean injectUnsafeCommit;

    Simulation(int size, long seed, Faults faults) {
        this.seed = seed;
        this.size = size;
        this.random = new SplittableRandom(seed);
        this.faults = faults;
        List<Long> ids = new ArrayList<>();
        for (long i = 1; i <= size; i++) {
            ids.add(i);
        }
        for (long id : ids) {
            nodes.put(id, SimNode.bootstrapped(id, ids, options(id), random.nextLong(), this));
            group.put(id, 0);
        }
        nextExtra = size + 1;
    }

    private RaftOptions options(long id) {
        RaftOptions opts = RaftOptions.defaults(1).withMaxSizePerMsg(faults.maxSizePerMsg()).withMaxInflightMsgs(8);
        return new RaftOptions(id, opts.electionTicks(), opts.heartbeatTicks(), 0, opts.preVote(), opts.checkQuorum(),
                opts.maxSizePerMsg(), opts.maxInflightMsgs(), opts.maxUncommittedEntriesSize(),
                opts.maxCommittedSizePerReady(), false);
    }

    /**
     * Changes membership one step at a time, keeping between {@code size} and {@code size+1}
     * voters: a fresh member joins as a learner and is promoted; with one voter too many, a random
     * voter — possibly the leader itself — is removed. Ids are never reused, as in etcd.
     */
    private void changeMembership() {
        SimNode leader = currentLeader();
        if (leader == null) {
            return;
        }
        ConfState cs = leader.raft().confState();
        ConfChange cc;
        if (!cs.learners().isEmpty()) {
            cc = new ConfChange(0, ConfChange.Type.ADD_NODE, cs.learners().getFirst(), null);
        } else if (cs.voters().size() > size) {
            cc = new ConfChange(0, ConfChange.Type.REMOVE_NODE, cs.voters().get(random.nextInt(cs.voters().size())),
                    null);
        } else {
            long extra = nextExtra++;
            nodes.put(extra, new SimNode(extra, new MemoryRaftStorage(), options(extra), random.nextLong(), this));
            group.put(extra, 0);
            cc = new ConfChange(0, ConfChange.Type.ADD_LEARNER_NODE, extra, null);
        }
        if (leader.node.proposeConfChange(cc) == StepOutcome.ACCEPTED) {
            count("conf-change " + cc.type());
        }
    }

    private static final boolean TRACE = Boolean.getBoolean("raft.sim.trace");

    /** With {@code -Draft.sim.trace=true}, prints every event of a (replayed) run. */
    private void trace(String event) {
        if (TRACE) {
            System.out.println("t" + now + " " + event);
        }
    }

    private void count(String what) {
        counters.merge(what, 1, Integer::sum);
    }

    private String where() {
        return " (seed " + seed + ", tick " + now + ")";
    }

    // ------------------------------------------------------------------ driving

    /** Runs {@code ticks} ticks with faults on. */
    void chaos(int ticks) {
        faultsOn = true;
        for (int i = 0; i < ticks; i++) {
            step();
        }
    }

    /**
     * Heals everything (restart crashed members, join partitions, reliable network), then
     * requires that within {@code bound} ticks a leader exists and a fresh proposal is applied
     * by every member.
     */
    void healAndCheckLiveness(int bound) {
        faultsOn = false;
        nodes.values().forEach(n -> {
            if (!n.up) {
                n.restart();
            }
        });
        group.replaceAll((k, v) -> 0);
        byte[] marker = ("heal-" + now).getBytes();
        this.marker = marker;
        markerIndex = 0;
        String acceptedBy = "";
        for (int i = 0; i < bound; i++) {
            step();
            SimNode leader = currentLeader();
            if (leader == null) {
                continue;
            }
            String current = leader.id + "/" + leader.raft().term;
            if (markerIndex == 0 && !current.equals(acceptedBy)) {
                // propose once per leadership: with a reliable network an accepted proposal must commit,
                // unless leadership changes (then it may be lost and is proposed again)
                if (leader.node.propose(marker) == StepOutcome.ACCEPTED) {
                    acceptedBy = current;
                }
            }
            ConfState cs = leader.raft().confState();
            if (markerIndex > 0 && nodes.values().stream()
                    .filter(n -> cs.voters().contains(n.id) || cs.learners().contains(n.id))
                    .allMatch(n -> n.appliedIndex >= markerIndex)) {
                count("heals");
                return;
            }
        }
        throw new AssertionError("no progress within " + bound + " ticks after healing" + where() + "\n" + describe());
    }

    private SimNode currentLeader() {
        SimNode best = null;
        for (SimNode n : nodes.values()) {
            if (n.up && n.raft().role == Role.LEADER && (best == null || n.raft().term > best.raft().term)) {
                best = n;
            }
        }
        return best;
    }

    private void step() {
        now++;
        if (faultsOn) {
            injectFaults();
        }
        requests();
        for (SimNode n : nodes.values()) {
            if (n.up) {
                n.node.tick();
            }
        }
        settle();
    }

    private void injectFaults() {
        if (random.nextDouble() < faults.partition()) {
            if (random.nextBoolean()) {
                group.replaceAll((k, v) -> 0);
                count("heal");
            } else {
                group.replaceAll((k, v) -> random.nextInt(2));
                count("partition");
            }
        }
        if (random.nextDouble() < faults.crash()) {
            SimNode n = pick();
            if (n.up) {
                trace("crash " + n.id);
                n.crash();
                network.removeIf(f -> {
                    if (f.message().to() == n.id) {
                        lost(f.message());
                        return true;
                    }
                    return false;
                });
                count("crash");
            } else {
                trace("restart " + n.id);
                n.restart();
                count("restart");
            }
        }
        for (SimNode n : nodes.values()) {
            if (!n.up && random.nextDouble() < 0.05) {
                trace("restart " + n.id + " last=" + n.storage.lastIndex() + " hs=" + n.storage.hardState());
                n.restart();
                count("restart");
            }
        }
    }

    private SimNode pick() {
        List<SimNode> all = new ArrayList<>(nodes.values());
        return all.get(random.nextInt(all.size()));
    }

    private void requests() {
        if (random.nextDouble() < faults.propose()) {
            SimNode n = pick();
            if (n.up) {
                n.node.propose(("p" + (nextProposal++)).getBytes());
            }
        }
        if (random.nextDouble() < faults.read()) {
            SimNode n = pick();
            if (n.up) {
                String ctx = "r" + (nextRead++);
                // every write acknowledged before this moment is at or below the highest commit seen
                readFloor.put(ctx, maxCommit);
                n.node.readIndex(ctx.getBytes());
            }
        }
        if (faultsOn && random.nextDouble() < faults.transfer()) {
            SimNode n = pick();
            if (n.up && n.node.transferLeader(pick().id) == StepOutcome.ACCEPTED) {
                count("transfers");
            }
        }
        if (random.nextDouble() < faults.confChange()) {
            changeMembership();
        }
        if (random.nextDouble() < faults.snapshot()) {
            SimNode n = pick();
            if (n.up) {
                n.snapshotAndCompact(random.nextInt(3));
            }
        }
    }

    /** Delivers due messages and handles Readies until nothing more happens this tick. */
    private void settle() {
        for (int round = 0; round < 50; round++) {
            boolean any = false;
            for (SimNode n : nodes.values()) {
                if (n.up) {
                    n.raft().unsafeCommitAnyTerm = injectUnsafeCommit;
                }
                // writes take a while: a member keeps receiving messages while a Ready is being
                // persisted, and may die before the write lands
                if (n.inFlight != null) {
                    any = true;
                    if (faultsOn && random.nextDouble() < faults.crash() / 4) {
                        trace("crash while persisting " + n.id);
                        n.crashDuringWrite(random.nextDouble());
                        count("crash while persisting");
                        continue;
                    }
                    if (faultsOn && random.nextInt(3) == 0) {
                        continue; // still writing
                    }
                    Ready rd = n.inFlight;
                    n.finishReady(this::send);
                    trace("persisted " + n.id + " entries=" + rd.entries().stream().map(e -> e.index() + "/" + e.term())
                            .toList() + " hs=" + rd.hardState().map(Object::toString).orElse("-") + " snap="
                            + rd.snapshot().map(x -> x.index() + "/" + x.term()).orElse("-") + " applied="
                            + rd.committedEntries().stream().map(e -> e.index() + "/" + e.term()).toList()
                            + " role=" + n.raft().role + " term=" + n.raft().term);
                    checkNode(n);
                }
                if (n.beginReady(this::send)) {
                    any = true;
                }
            }
            List<InFlight> due = new ArrayList<>();
            network.removeIf(f -> {
                if (f.deliverAt() <= now) {
                    due.add(f);
                    return true;
                }
                return false;
            });
            if (faultsOn) {
                shuffle(due);
            } else {
                due.sort((a, b) -> Long.compare(a.seq(), b.seq()));
            }
            for (InFlight f : due) {
                SimNode to = nodes.get(f.message().to());
                if (to == null || !to.up || !Objects.equals(group.get(f.message().from()), group.get(to.id))) {
                    lost(f.message());
                    continue;
                }
                trace("deliver " + ScenarioTest.format(f.message()));
                to.node.step(f.message());
                any = true;
                if (f.message() instanceof Message.InstallSnapshot s) {
                    count("snapshots delivered");
                    // the driver reports the transfer's outcome back to the leader
                    SimNode from = nodes.get(s.from());
                    if (from.up) {
                        from.node.reportSnapshot(to.id, true);
                    }
                }
            }
            if (!any) {
                return;
            }
        }
    }

    private void shuffle(List<InFlight> list) {
        for (int i = list.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            InFlight t = list.get(i);
            list.set(i, list.get(j));
            list.set(j, t);
        }
    }

    private void send(Message m) {
        if (faultsOn && random.nextDouble() < faults.drop()) {
            count("dropped");
            lost(m);
            return;
        }
        int copies = faultsOn && random.nextDouble() < faults.duplicate() ? 2 : 1;
        for (int c = 0; c < copies; c++) {
            long delay = faultsOn ? random.nextInt(faults.maxDelay() + 1) : 0;
            network.add(new InFlight(now + delay, seq++, m));
        }
    }

    /** The transport tells the leader when a snapshot could not be delivered, as a real driver would. */
    private void lost(Message m) {
        if (m instanceof Message.Append a && nodes.get(a.from()).up && random.nextBoolean()) {
            nodes.get(a.from()).node.reportUnreachable(a.to());
        }
        if (m instanceof Message.InstallSnapshot s) {
            SimNode from = nodes.get(s.from());
            if (from.up) {
                from.node.reportSnapshot(s.to(), false);
            }
        }
    }

    // ------------------------------------------------------------------ invariants

    private void checkNode(SimNode n) {
        Raft r = n.raft();
        maxCommit = Math.max(maxCommit, r.log.committed);
        if (r.role == Role.LEADER) {
            Long prev = leaderOfTerm.putIfAbsent(r.term, n.id);
            if (prev != null && prev != n.id) {
                throw new AssertionError("election safety: " + prev + " and " + n.id + " both lead term " + r.term
                        + where());
            }
            if (checkedLeaders.add(n.id + "/" + r.term)) {
                count("leaders");
                checkLeaderCompleteness(n);
            }
        }
    }

    private void checkLeaderCompleteness(SimNode n) {
        RaftLog log = n.raft().log;
        if (log.lastIndex() < maxApplied) {
            throw new AssertionError("leader completeness: leader " + n.id + " of term " + n.raft().term
                    + " ends at " + log.lastIndex() + " but " + maxApplied + " was applied" + where());
        }
        for (long i = log.firstIndex(); i <= maxApplied; i++) {
            Entry applied = appliedAt.get(i);
            if (applied != null && log.term(i) != applied.term()) {
                throw new AssertionError("leader completeness: leader " + n.id + " of term " + n.raft().term
                        + " has term " + log.term(i) + " at " + i + " where term " + applied.term() + " was applied"
                        + where());
            }
        }
    }

    @Override
    public void persisted(SimNode node, List<Entry> entries) {
        for (Entry e : entries) {
            long prevTerm = e.index() - 1 < node.storage.firstIndex() - 1 ? -1 : node.storage.term(e.index() - 1);
            LogValue v = new LogValue(Arrays.hashCode(e.data()) * 31 + e.type().ordinal(), prevTerm);
            LogValue seen = logEntries.putIfAbsent(new LogKey(e.index(), e.term()), v);
            if (seen != null && (seen.dataHash() != v.dataHash()
                    || (seen.prevTerm() >= 0 && v.prevTerm() >= 0 && seen.prevTerm() != v.prevTerm()))) {
                throw new AssertionError("log matching: entry " + e.index() + "/" + e.term() + " differs on node "
                        + node.id + where());
            }
        }
    }

    @Override
    public void applied(SimNode node, Entry e) {
        Entry seen = appliedAt.putIfAbsent(e.index(), e);
        if (seen != null && (seen.term() != e.term() || !Arrays.equals(seen.data(), e.data()))) {
            throw new AssertionError("state machine safety: node " + node.id + " applied " + e.index() + "/"
                    + e.term() + " where " + seen.index() + "/" + seen.term() + " was applied" + where());
        }
        maxApplied = Math.max(maxApplied, e.index());
        count("applied");
        if (markerIndex == 0 && Arrays.equals(e.data(), marker)) {
            markerIndex = e.index();
        }
        if (e.type() == EntryType.CONF_CHANGE) {
            ConfChange cc = ConfChange.decode(e.data());
            if (cc.type() == ConfChange.Type.REMOVE_NODE) {
                removed.add(cc.nodeId());
            }
        }
    }

    @Override
    public void readState(SimNode node, ReadState rs) {
        Long floor = readFloor.remove(new String(rs.context()));
        if (floor != null && rs.index() < floor) {
            throw new AssertionError("linearizable read: read index " + rs.index() + " below commit " + floor
                    + " known when the read was issued" + where());
        }
        count("reads");
    }

    String describe() {
        StringBuilder sb = new StringBuilder();
        for (SimNode n : nodes.values()) {
            if (!n.up) {
                sb.append("  ").append(n.id).append(" down\n");
                continue;
            }
            Raft r = n.raft();
            sb.append("  ").append(n.id).append(' ').append(r.role).append(" term=").append(r.term)
                    .append(" lead=").append(r.lead).append(" commit=").append(r.log.committed)
                    .append(" last=").append(r.log.lastIndex()).append(" applied=").append(n.appliedIndex)
                    .append(" prs=").append(r.progress).append('\n');
        }
        return sb.toString();
    }

    private static final class Objects {
        static boolean equals(Integer a, Integer b) {
            return a != null && a.equals(b);
        }
    }
}
