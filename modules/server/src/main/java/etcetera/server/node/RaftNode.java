package etcetera.server.node;

import etcetera.raft.ConfChange;
import etcetera.raft.ConfState;
import etcetera.raft.Entry;
import etcetera.raft.EntryType;
import etcetera.raft.HardState;
import etcetera.raft.MemoryRaftStorage;
import etcetera.raft.Message;
import etcetera.raft.RaftOptions;
import etcetera.raft.RawNode;
import etcetera.raft.ReadState;
import etcetera.raft.Ready;
import etcetera.raft.Role;
import etcetera.raft.Snapshot;
import etcetera.raft.SoftState;
import etcetera.raft.Status;
import etcetera.raft.StepOutcome;
import etcetera.raft.wal.Snapshotter;
import etcetera.raft.wal.Wal;
import etcetera.server.errors.EtcdError;
import etcetera.server.errors.EtcdException;
import etcetera.server.transport.RaftInbound;
import etcetera.server.transport.RaftTransport;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The driver around {@link RawNode}: ticks from a clock, messages from peers and proposals
 * from clients go in; each {@link Ready} is carried out — the leader's messages leave while
 * the WAL is appended and fsynced (one fsync for everything that queued up meanwhile: group
 * commit), the rest leave after it — and committed entries go to the apply loop in batches.
 * Every {@code --snapshot-count} applied entries a snapshot is recorded and the WAL released
 * behind it.
 *
 * <p>Threads: the node thread owns the {@link RawNode}, the {@link MemoryRaftStorage}, the WAL
 * and the snapshot files; the apply thread owns the {@link StateMachine}. Everything else
 * (client threads, transport threads) only enqueues inputs and reads volatile fields.
 */
public final class RaftNode implements RaftInbound, AutoCloseable {

    private static final Logger LOG = System.getLogger("raft");

    /** Proposals that may wait for the node thread; beyond this clients get "too many requests". */
    private static final int MAX_PENDING_PROPOSALS = 16_384;
    /** etcd's bound on committed-but-unapplied entries before new proposals are refused. */
    private static final long MAX_APPLY_BACKLOG = 5_000;
    /** Batches waiting for the apply thread: bounds memory between commit and apply. */
    private static final int MAX_PENDING_APPLY_BATCHES = 64;
    /** Inputs the node thread takes in one round before it looks at the Ready. */
    private static final int MAX_INPUTS_PER_ROUND = 8_192;

    /**
     * How the node runs.
     *
     * @param tick the length of one Raft tick ({@code --heartbeat-interval})
     * @param snapshotCount applied entries between two snapshots ({@code --snapshot-count})
     * @param catchUpEntries entries kept in memory behind a snapshot for slow followers
     * @param requestTimeout how long a proposal or read may wait (etcd: 5 s + 2 election timeouts)
     */
    public record Options(Duration tick, long snapshotCount, long catchUpEntries, Duration requestTimeout) {
        public Options {
            if (tick.isNegative() || tick.isZero()) {
                throw new IllegalArgumentException("tick must be positive: " + tick);
            }
            snapshotCount = Math.max(1, snapshotCount);
            catchUpEntries = Math.max(0, catchUpEntries);
        }
    }

    /**
     * The durable log as found at start-up, rebuilt into the storage Raft reads.
     *
     * @param wal the open WAL, positioned after its last record
     * @param snapshotter the snapshot files
     * @param storage the snapshot, hard state and entries read back from them
     * @param metadata the WAL's metadata (who this member is)
     */
    public record Log(Wal wal, Snapshotter snapshotter, MemoryRaftStorage storage, byte[] metadata) {
    }

    private sealed interface Input {
    }

    private record Propose(long requestId, byte[] data, long startNanos) implements Input {
    }

    private record ProposeConfChange(ConfChange change, long startNanos) implements Input {
    }

    private record Step(Message message) implements Input {
    }

    private record SnapshotArrived(Message.InstallSnapshot message, Path image) implements Input {
    }

    private record Unreachable(long memberId) implements Input {
    }

    private record SnapshotStatus(long memberId, boolean success) implements Input {
    }

    private record Read(CompletableFuture<Long> future, long deadlineNanos) implements Input {
    }

    private record Call(Consumer<RawNode> action) implements Input {
    }

    private record SnapshotDue(long index) implements Input {
    }

    private sealed interface ApplyTask {
    }

    private record ApplyEntries(List<Entry> entries, Map<Long, ConfState> confStates) implements ApplyTask {
    }

    private record ApplyRestore(Path image, long index) implements ApplyTask {
    }

    /** A linearizable read waiting for the applied index to reach its read index. */
    private record AppliedWaiter(long index, CompletableFuture<Long> future) {
    }

    private final long id;
    private final Options options;
    private final RaftOptions raftOptions;
    private final Wal wal;
    private final Snapshotter snapshotter;
    private final MemoryRaftStorage storage;
    private final StateMachine stateMachine;
    private final RawNode raw;
    private final Waiters waiters = new Waiters();
    private final BlockingQueue<Input> inbox = new LinkedBlockingQueue<>();
    private final AtomicInteger pendingProposals = new AtomicInteger();
    private final BlockingQueue<ApplyTask> applyQueue = new ArrayBlockingQueue<>(MAX_PENDING_APPLY_BATCHES);
    private final PriorityQueue<AppliedWaiter> appliedWaiters =
            new PriorityQueue<>((a, b) -> Long.compare(a.index(), b.index()));
    private final Set<Long> removed = ConcurrentHashMap.newKeySet();
    private final List<Consumer<SoftState>> leaderListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Thread nodeThread;
    private final Thread applyThread;

    // Owned by the node thread.
    private RaftTransport transport;
    private final NavigableMap<Long, ConfState> confStates = new TreeMap<>();
    private final Map<Long, Path> receivedImages = new HashMap<>();
    private final ArrayDeque<long[]> deadlines = new ArrayDeque<>();
    private final List<Read> pendingReads = new ArrayList<>();
    private final Map<Long, List<Read>> readsInFlight = new HashMap<>();
    private long readsInFlightSince;
    private long readSequence;
    private long nextTickNanos;

    // Owned by the apply thread.
    private long lastSnapshotRequest;

    private volatile boolean running;
    private volatile Throwable failure;
    private final CompletableFuture<Throwable> failed = new CompletableFuture<>();
    private final CompletableFuture<Void> removedNotice = new CompletableFuture<>();
    private volatile long leaderId;
    private volatile Role role = Role.FOLLOWER;
    private volatile long term;
    private volatile long commitIndex;
    private volatile long lastIndex;
    private volatile long appliedIndex;
    private volatile long leaderElectedNanos;
    private volatile Status lastStatus;

    /**
     * @param id this member's id
     * @param raftOptions the algorithm's options ({@code applied} is set here from the log)
     * @param log the durable log, already read back
     * @param stateMachine the state machine, already restored up to what it holds durably
     * @param bootstrapVoters for a brand-new cluster, the initial voters with their member
     *     context; empty when restarting or joining an existing cluster
     */
    public RaftNode(long id, Options options, RaftOptions raftOptions, Log log, StateMachine stateMachine,
            Map<Long, byte[]> bootstrapVoters) {
        this.id = id;
        this.options = options;
        this.wal = log.wal();
        this.snapshotter = log.snapshotter();
        this.storage = log.storage();
        this.stateMachine = stateMachine;
        Snapshot snapshot = storage.snapshot();
        this.raftOptions = raftOptions.withApplied(snapshot.index());
        this.raw = new RawNode(this.raftOptions, storage, new SplittableRandom(id ^ System.nanoTime()));
        if (!snapshot.isEmpty()) {
            confStates.put(snapshot.index(), snapshot.metadata().confState());
        }
        if (!bootstrapVoters.isEmpty()) {
            raw.bootstrap(bootstrapVoters);
        }
        this.appliedIndex = stateMachine.appliedIndex();
        this.lastSnapshotRequest = Math.max(snapshot.index(), appliedIndex);
        this.lastIndex = storage.lastIndex();
        this.term = storage.hardState().term();
        this.commitIndex = storage.hardState().commit();
        this.nodeThread = Thread.ofPlatform().name("etcetera-raft").unstarted(this::nodeLoop);
        this.applyThread = Thread.ofPlatform().name("etcetera-apply").unstarted(this::applyLoop);
    }

    /**
     * Rebuilds the Raft storage from the newest usable snapshot and the WAL after it.
     */
    public static Log readLog(Wal wal, Snapshotter snapshotter) {
        Snapshot snapshot = snapshotter.loadNewest().map(saved -> new Snapshot(saved.metadata(), saved.data())).orElse(Snapshot.EMPTY);
        var contents = wal.readAll(snapshot.index());
        MemoryRaftStorage storage = new MemoryRaftStorage();
        if (!snapshot.isEmpty()) {
            storage.applySnapshot(snapshot);
        }
        if (!contents.hardState().equals(HardState.EMPTY)) {
            storage.setHardState(contents.hardState());
        }
        storage.append(contents.entries());
        return new Log(wal, snapshotter, storage, contents.metadata());
    }

    /** Where the backend image received with the snapshot at {@code index} is kept until it is restored. */
    public static Path imageFile(Path snapshotDir, long index) {
        return snapshotDir.resolve(String.format("%016x.snap.db", index));
    }

    /** Starts the node and apply threads; messages go out through {@code transport}. */
    public void start(RaftTransport transport) {
        this.transport = transport;
        running = true;
        applyThread.start();
        nodeThread.start();
    }

    /** Calls {@code listener} on the node thread whenever the leader or this member's role changes. */
    public void onLeaderChange(Consumer<SoftState> listener) {
        leaderListeners.add(listener);
    }

    // ---- client side ------------------------------------------------------------------------

    /**
     * Proposes {@code data}; the future completes with the state machine's response once the
     * entry is committed and applied here, or fails with an {@link EtcdException}.
     */
    public CompletableFuture<Object> propose(long requestId, byte[] data) {
        if (!running) {
            return CompletableFuture.failedFuture(EtcdError.STOPPED.exception());
        }
        if (commitIndex - appliedIndex > MAX_APPLY_BACKLOG) {
            return CompletableFuture.failedFuture(EtcdError.TOO_MANY_REQUESTS.exception());
        }
        if (pendingProposals.incrementAndGet() > MAX_PENDING_PROPOSALS) {
            pendingProposals.decrementAndGet();
            return CompletableFuture.failedFuture(EtcdError.TOO_MANY_REQUESTS.exception());
        }
        CompletableFuture<Object> result = waiters.register(requestId);
        inbox.add(new Propose(requestId, data, System.nanoTime()));
        return result;
    }

    /** Proposes a membership change; completes with the {@link ConfState} after it is applied. */
    public CompletableFuture<Object> proposeConfChange(ConfChange change) {
        if (!running) {
            return CompletableFuture.failedFuture(EtcdError.STOPPED.exception());
        }
        CompletableFuture<Object> result = waiters.register(change.id());
        inbox.add(new ProposeConfChange(change, System.nanoTime()));
        return result;
    }

    /**
     * Confirms that this member may serve a linearizable read: completes once the leader has
     * confirmed its commit index with a quorum and this member has applied up to it.
     */
    public CompletableFuture<Long> readBarrier() {
        if (!running) {
            return CompletableFuture.failedFuture(EtcdError.STOPPED.exception());
        }
        CompletableFuture<Long> future = new CompletableFuture<>();
        inbox.add(new Read(future, System.nanoTime() + options.requestTimeout().toNanos()));
        return future;
    }

    /** Runs {@code action} on the node thread with the Raft state (for status and admin requests). */
    public <T> CompletableFuture<T> call(Function<RawNode, T> action) {
        CompletableFuture<T> future = new CompletableFuture<>();
        if (!running) {
            future.completeExceptionally(EtcdError.STOPPED.exception());
            return future;
        }
        inbox.add(new Call(rawNode -> {
            try {
                future.complete(action.apply(rawNode));
            } catch (RuntimeException e) {
                future.completeExceptionally(e);
            }
        }));
        return future;
    }

    /** Completes when {@code memberId} is the leader this member knows (at once if it already is). */
    public CompletableFuture<Void> leaderBecomes(long memberId) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Consumer<SoftState> listener = soft -> {
            if (soft.leader() == memberId) {
                done.complete(null);
            }
        };
        leaderListeners.add(listener);
        done.whenComplete((v, e) -> leaderListeners.remove(listener));
        if (leaderId == memberId) {
            done.complete(null);
        }
        return done;
    }

    /** Marks a member as removed: the transport refuses it from now on. */
    public void markRemoved(long memberId) {
        removed.add(memberId);
    }

    public long id() {
        return id;
    }

    /** The leader this member knows of, {@code 0} if none. */
    public long leaderId() {
        return leaderId;
    }

    public Role role() {
        return role;
    }

    public long term() {
        return term;
    }

    /** The index of the last entry in the log. */
    public long lastIndex() {
        return lastIndex;
    }

    public long commitIndex() {
        return commitIndex;
    }

    /** The index of the last applied entry. */
    public long appliedIndex() {
        return appliedIndex;
    }

    /** The Raft status as of the last round of the node loop (leader progress included when leading). */
    public Optional<Status> lastStatus() {
        return Optional.ofNullable(lastStatus);
    }

    /** Calls {@code action} once if the node stops on a fatal error. */
    public void whenFailed(Consumer<Throwable> action) {
        failed.thenAccept(action);
    }

    /** The failure that stopped the node, if any. */
    public Throwable failure() {
        return failure;
    }

    // ---- transport side (RaftInbound) -------------------------------------------------------

    @Override
    public void receive(Message message) {
        inbox.add(new Step(message));
    }

    @Override
    public void receiveSnapshot(Message.InstallSnapshot message, Path backendImage) {
        inbox.add(new SnapshotArrived(message, backendImage));
    }

    @Override
    public void reportUnreachable(long memberId) {
        inbox.add(new Unreachable(memberId));
    }

    @Override
    public void reportSnapshot(long memberId, boolean success) {
        inbox.add(new SnapshotStatus(memberId, success));
    }

    @Override
    public void removedFromCluster() {
        removedNotice.complete(null);
    }

    /** Runs {@code action} once if a peer says that the cluster removed this member. */
    public void whenRemovedFromCluster(Runnable action) {
        removedNotice.thenRun(action);
    }

    @Override
    public boolean isRemoved(long memberId) {
        return removed.contains(memberId);
    }

    // ---- node thread ------------------------------------------------------------------------

    private void nodeLoop() {
        List<Input> batch = new ArrayList<>();
        long tickNanos = options.tick().toNanos();
        try {
            handleReadies();
            if (isSoleVoter()) {
                // A one-member cluster need not wait an election timeout to lead (etcd fast-forwards too).
                raw.campaign();
                handleReadies();
            }
            nextTickNanos = System.nanoTime() + tickNanos;
            while (running) {
                long wait = nextTickNanos - System.nanoTime();
                Input first = wait > 0 ? inbox.poll(wait, TimeUnit.NANOSECONDS) : inbox.poll();
                if (first != null) {
                    batch.add(first);
                    inbox.drainTo(batch, MAX_INPUTS_PER_ROUND - 1);
                    for (Input input : batch) {
                        take(input);
                    }
                    batch.clear();
                }
                long now = System.nanoTime();
                if (now - nextTickNanos >= 0) {
                    raw.tick();
                    nextTickNanos += tickNanos;
                    if (now - nextTickNanos > 10 * tickNanos) {
                        nextTickNanos = now + tickNanos; // the loop stalled (GC, disk): do not burst ticks
                    }
                    expireDeadlines(now);
                }
                issueReads(now);
                handleReadies();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            fail("the Raft node loop failed; this member stops. Check the disk of the WAL directory, then restart the member", e);
        }
    }

    /** Whether the membership (as applied on this thread) is exactly this member as the only voter. */
    private boolean isSoleVoter() {
        return !confStates.isEmpty() && confStates.lastEntry().getValue().voters().equals(List.of(id));
    }

    private void take(Input input) {
        switch (input) {
            case Propose p -> {
                pendingProposals.decrementAndGet();
                StepOutcome outcome = raw.propose(p.data());
                if (outcome.isDropped()) {
                    waiters.cancel(p.requestId(), EtcdError.PROPOSAL_DROPPED.exception());
                } else {
                    deadlines.add(new long[] {p.startNanos() + options.requestTimeout().toNanos(), p.requestId(), p.startNanos()});
                }
            }
            case ProposeConfChange c -> {
                StepOutcome outcome = raw.proposeConfChange(c.change());
                if (outcome.isDropped()) {
                    waiters.cancel(c.change().id(), EtcdError.PROPOSAL_DROPPED.exception());
                } else {
                    deadlines.add(new long[] {c.startNanos() + options.requestTimeout().toNanos(), c.change().id(), c.startNanos()});
                }
            }
            case Step s -> {
                if (!removed.contains(s.message().from())) {
                    raw.step(s.message());
                }
            }
            case SnapshotArrived s -> {
                Path kept = imageFile(snapshotter.dir(), s.message().snapshot().index());
                try {
                    Files.move(s.image(), kept, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                            java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException e) {
                    LOG.log(Level.WARNING, "cannot keep the received snapshot image; the leader will resend it error=" + e);
                    deleteQuietly(s.image());
                    return;
                }
                receivedImages.put(s.message().snapshot().index(), kept);
                raw.step(s.message());
            }
            case Unreachable u -> raw.reportUnreachable(u.memberId());
            case SnapshotStatus s -> raw.reportSnapshot(s.memberId(), s.success());
            case Read r -> pendingReads.add(r);
            case Call c -> c.action().accept(raw);
            case SnapshotDue d -> takeSnapshot(d.index());
        }
    }

    /** Fails proposals that waited longer than the request timeout, as etcd words it. */
    private void expireDeadlines(long now) {
        while (!deadlines.isEmpty() && now - deadlines.peekFirst()[0] >= 0) {
            long[] d = deadlines.pollFirst();
            long started = d[2];
            long elected = leaderElectedNanos;
            long electionNanos = options.tick().toNanos() * raftOptions.electionTicks();
            boolean leaderFailed = elected != 0 && started - (elected - 2 * electionNanos) > 0 && elected - started > 0;
            waiters.cancel(d[1], (leaderFailed ? EtcdError.TIMEOUT_DUE_TO_LEADER_FAIL : EtcdError.TIMEOUT).exception());
        }
        for (var it = pendingReads.iterator(); it.hasNext(); ) {
            Read r = it.next();
            if (now - r.deadlineNanos() >= 0) {
                r.future().completeExceptionally(EtcdError.TIMEOUT.exception());
                it.remove();
            }
        }
        for (var it = readsInFlight.values().iterator(); it.hasNext(); ) {
            List<Read> reads = it.next();
            reads.removeIf(r -> {
                if (now - r.deadlineNanos() >= 0) {
                    r.future().completeExceptionally(EtcdError.TIMEOUT.exception());
                    return true;
                }
                return false;
            });
            if (reads.isEmpty()) {
                it.remove();
            }
        }
    }

    /**
     * Asks Raft for a read index for every read that queued up since the last one was issued
     * (one heartbeat round confirms a whole batch). A batch whose answer does not come within
     * an election timeout (leader lost it) is asked for again.
     */
    private void issueReads(long now) {
        long electionNanos = options.tick().toNanos() * raftOptions.electionTicks();
        if (!readsInFlight.isEmpty() && now - readsInFlightSince > electionNanos) {
            for (List<Read> reads : readsInFlight.values()) {
                pendingReads.addAll(reads);
            }
            readsInFlight.clear();
        }
        if (pendingReads.isEmpty() || !readsInFlight.isEmpty()) {
            return;
        }
        long context = ++readSequence;
        StepOutcome outcome = raw.readIndex(ByteBuffer.allocate(8).putLong(context).array());
        if (outcome.isDropped()) {
            return; // no leader yet: retried every round until the reads time out, as etcd does
        }
        readsInFlight.put(context, new ArrayList<>(pendingReads));
        readsInFlightSince = now;
        pendingReads.clear();
    }

    private void handleReadies() throws InterruptedException {
        while (raw.hasReady()) {
            handleReady(raw.ready());
        }
        lastStatus = raw.status();
    }

    private void handleReady(Ready rd) throws InterruptedException {
        rd.softState().ifPresent(this::onSoftState);
        List<Message> afterPersist = new ArrayList<>();
        List<Message> now = new ArrayList<>();
        for (Message m : rd.messages()) {
            (Ready.sendableBeforePersisting(m) ? now : afterPersist).add(m);
        }
        if (!now.isEmpty()) {
            transport.send(now);
        }
        Path restoreImage = null;
        if (rd.snapshot().isPresent()) {
            Snapshot snap = rd.snapshot().get();
            restoreImage = receivedImages.remove(snap.index());
            if (restoreImage == null) {
                throw new IllegalStateException("Raft installed the snapshot at index " + snap.index()
                        + " but no backend image arrived with it");
            }
            snapshotter.save(snap.metadata(), snap.data());
            wal.saveSnapshotMarker(snap.index(), snap.term());
            storage.applySnapshot(snap);
            confStates.clear();
            confStates.put(snap.index(), snap.metadata().confState());
            for (Path stale : receivedImages.values()) {
                deleteQuietly(stale);
            }
            receivedImages.clear();
        }
        HardState hard = rd.hardState().orElse(HardState.EMPTY);
        wal.append(hard, rd.entries());
        if (rd.mustSync()) {
            wal.sync();
        }
        if (rd.hardState().isPresent()) {
            storage.setHardState(hard);
            term = hard.term();
            commitIndex = hard.commit();
        }
        storage.append(rd.entries());
        lastIndex = storage.lastIndex();
        if (!afterPersist.isEmpty()) {
            transport.send(afterPersist);
        }
        for (ReadState state : rd.readStates()) {
            List<Read> reads = readsInFlight.remove(ByteBuffer.wrap(state.context()).getLong());
            if (reads != null) {
                for (Read r : reads) {
                    waitApplied(state.index(), r.future());
                }
            }
        }
        if (restoreImage != null) {
            applyQueue.put(new ApplyRestore(restoreImage, rd.snapshot().get().index()));
        }
        if (!rd.committedEntries().isEmpty()) {
            Map<Long, ConfState> changes = new HashMap<>();
            for (Entry entry : rd.committedEntries()) {
                if (entry.type() == EntryType.CONF_CHANGE) {
                    ConfState after = raw.applyConfChange(ConfChange.decode(entry.data()));
                    confStates.put(entry.index(), after);
                    changes.put(entry.index(), after);
                }
            }
            applyQueue.put(new ApplyEntries(rd.committedEntries(), changes));
        }
        raw.advance(rd);
    }

    private void onSoftState(SoftState soft) {
        long previous = leaderId;
        leaderId = soft.leader();
        role = soft.role();
        if (soft.leader() != previous) {
            if (soft.leader() != 0) {
                leaderElectedNanos = System.nanoTime();
            }
            LOG.log(Level.INFO, soft.leader() == 0
                    ? "lost the leader member-id=" + Long.toHexString(id) + " term=" + raw.status().hardState().term()
                    : "elected leader " + Long.toHexString(soft.leader()) + " at term " + raw.status().hardState().term()
                            + " member-id=" + Long.toHexString(id) + " role=" + soft.role());
        }
        for (Consumer<SoftState> listener : leaderListeners) {
            try {
                listener.accept(soft);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "a leader-change listener failed error=" + e, e);
            }
        }
    }

    /**
     * Records a snapshot at {@code index} (the state machine has it durably), then lets the WAL
     * purge behind it and drops all but {@code catchUpEntries} entries from memory.
     */
    private void takeSnapshot(long index) {
        if (index <= storage.snapshot().index() || index > storage.lastIndex()) {
            return;
        }
        var floor = confStates.floorEntry(index);
        ConfState confState = floor == null ? ConfState.EMPTY : floor.getValue();
        Snapshot snap = storage.createSnapshot(index, confState, new byte[0]);
        snapshotter.save(snap.metadata(), snap.data());
        wal.saveSnapshotMarker(index, snap.term());
        long compactTo = index - options.catchUpEntries();
        if (compactTo > storage.firstIndex()) {
            storage.compact(compactTo);
        }
        wal.releaseBefore(index);
        // keep the membership at the snapshot and every change after it
        var head = confStates.headMap(index, false);
        if (!head.isEmpty()) {
            ConfState atSnapshot = confState;
            head.clear();
            confStates.put(index, atSnapshot);
        }
        LOG.log(Level.INFO, "snapshot taken; WAL released behind it snapshot-index=" + index + " term=" + snap.term()
                + " kept-entries-from=" + storage.firstIndex());
    }

    // ---- apply thread -----------------------------------------------------------------------

    private void applyLoop() {
        List<ApplyTask> tasks = new ArrayList<>();
        List<StateMachine.Outcome> outcomes = new ArrayList<>();
        try {
            while (running || nodeThread.isAlive() || !applyQueue.isEmpty()) {
                ApplyTask first = applyQueue.poll(50, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                tasks.add(first);
                applyQueue.drainTo(tasks);
                long applied = appliedIndex;
                long last = applied;
                for (ApplyTask task : tasks) {
                    switch (task) {
                        case ApplyRestore r -> {
                            if (last > applied) {
                                stateMachine.commit(last);
                            }
                            LOG.log(Level.INFO, "restoring the backend from the leader's snapshot snapshot-index=" + r.index());
                            stateMachine.restore(r.image());
                            deleteQuietly(r.image());
                            applied = stateMachine.appliedIndex();
                            last = applied;
                            appliedIndex = applied;
                            lastSnapshotRequest = applied;
                            LOG.log(Level.INFO, "restored the backend from the leader's snapshot applied-index=" + applied);
                        }
                        case ApplyEntries e -> {
                            for (Entry entry : e.entries()) {
                                if (entry.index() <= applied) {
                                    continue;
                                }
                                if (entry.type() == EntryType.CONF_CHANGE) {
                                    ConfChange change = ConfChange.decode(entry.data());
                                    outcomes.add(stateMachine.applyConfChange(entry, change, e.confStates().get(entry.index())));
                                } else {
                                    outcomes.add(stateMachine.apply(entry));
                                }
                                last = entry.index();
                            }
                        }
                    }
                }
                tasks.clear();
                if (last > applied) {
                    stateMachine.commit(last);
                    appliedIndex = last;
                }
                for (StateMachine.Outcome outcome : outcomes) {
                    waiters.trigger(outcome);
                }
                outcomes.clear();
                releaseAppliedWaiters(appliedIndex);
                if (appliedIndex - lastSnapshotRequest >= options.snapshotCount()) {
                    stateMachine.sync();
                    lastSnapshotRequest = appliedIndex;
                    inbox.add(new SnapshotDue(appliedIndex));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            fail("applying committed entries failed; the member stops serving. Restart it to replay the WAL", e);
        }
    }

    private void waitApplied(long index, CompletableFuture<Long> future) {
        synchronized (appliedWaiters) {
            if (appliedIndex >= index) {
                future.complete(index);
                return;
            }
            appliedWaiters.add(new AppliedWaiter(index, future));
        }
    }

    private void releaseAppliedWaiters(long applied) {
        synchronized (appliedWaiters) {
            while (!appliedWaiters.isEmpty() && appliedWaiters.peek().index() <= applied) {
                AppliedWaiter w = appliedWaiters.poll();
                w.future().complete(w.index());
            }
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not delete " + file + " error=" + e.getMessage());
        }
    }

    private void fail(String what, Throwable cause) {
        failure = cause;
        running = false;
        LOG.log(Level.ERROR, what + " error=" + cause, cause);
        failEverything();
        failed.complete(cause);
    }

    private void failEverything() {
        waiters.failAll(EtcdError.STOPPED.exception());
        synchronized (appliedWaiters) {
            appliedWaiters.forEach(w -> w.future().completeExceptionally(EtcdError.STOPPED.exception()));
            appliedWaiters.clear();
        }
        Input left;
        while ((left = inbox.poll()) != null) {
            switch (left) {
                case Read r -> r.future().completeExceptionally(EtcdError.STOPPED.exception());
                case Call c -> { }
                default -> { }
            }
        }
    }

    /** Stops taking inputs, finishes applying what is committed, and closes the WAL. */
    @Override
    public void close() {
        running = false;
        try {
            nodeThread.join(TimeUnit.SECONDS.toMillis(10));
            applyThread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        failEverything();
        for (Read r : pendingReads) {
            r.future().completeExceptionally(EtcdError.STOPPED.exception());
        }
        for (List<Read> reads : readsInFlight.values()) {
            reads.forEach(r -> r.future().completeExceptionally(EtcdError.STOPPED.exception()));
        }
        wal.close();
    }
}
