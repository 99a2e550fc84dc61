package etcetera.server.node;

import etcetera.raft.Entry;
import etcetera.raft.HardState;
import etcetera.raft.wal.Wal;
import etcetera.server.errors.EtcdError;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The replicated log of a one-member cluster: proposals are appended to the WAL in batches
 * with one fsync per batch (group commit) on the node thread, then applied in batches on the
 * apply thread, one state-machine commit per batch. A proposal is answered only after its
 * entry is fsynced and applied, so an acknowledged write survives kill -9.
 *
 * <p>Threads: the node thread owns the WAL and the log position; the apply thread owns the
 * state machine; callers of {@link #propose} only touch the bounded queues and the waiters.
 */
public final class SingleMemberNode implements AutoCloseable {

    private static final Logger LOG = System.getLogger("etcdserver");

    /** Proposals a batch may hold: large enough to amortise an fsync over many clients. */
    private static final int MAX_BATCH = 4096;
    /** Proposals waiting for the WAL; beyond this, clients get "too many requests". */
    private static final int MAX_PENDING_PROPOSALS = 16_384;
    /** WAL batches waiting to be applied: bounds the gap between committed and applied. */
    private static final int MAX_PENDING_APPLY_BATCHES = 64;

    private record Proposal(long requestId, byte[] data) {
    }

    private final Wal wal;
    private final StateMachine stateMachine;
    private final long memberId;
    private final long term;
    private final long snapshotCount;
    private final Waiters waiters = new Waiters();
    private final BlockingQueue<Proposal> proposals = new ArrayBlockingQueue<>(MAX_PENDING_PROPOSALS);
    private final BlockingQueue<List<Entry>> committed = new ArrayBlockingQueue<>(MAX_PENDING_APPLY_BATCHES);
    private final Thread nodeThread;
    private final Thread applyThread;

    private volatile boolean running;
    private volatile long lastIndex;
    private volatile long appliedIndex;
    private volatile Throwable failure;
    /** Set by the apply thread: the WAL may be released up to here (the backend holds it durably). */
    private volatile long releasableIndex;
    private long lastMarkedIndex;
    private long lastReleaseRequest;

    /**
     * @param wal the opened WAL, positioned after its last entry
     * @param stateMachine the state machine, already caught up with the WAL (see {@link #replay})
     * @param lastIndex the index of the last entry in the WAL
     * @param snapshotCount applied entries between two points where the WAL is released
     *     ({@code --snapshot-count}): older segments are then purged as {@code --max-wals} allows
     */
    public SingleMemberNode(Wal wal, StateMachine stateMachine, long memberId, long term, long lastIndex, long snapshotCount) {
        this.wal = wal;
        this.stateMachine = stateMachine;
        this.memberId = memberId;
        this.term = term;
        this.lastIndex = lastIndex;
        this.snapshotCount = Math.max(1, snapshotCount);
        this.appliedIndex = stateMachine.appliedIndex();
        this.lastMarkedIndex = appliedIndex;
        this.lastReleaseRequest = appliedIndex;
        this.nodeThread = Thread.ofPlatform().name("etcetera-node").unstarted(this::appendLoop);
        this.applyThread = Thread.ofPlatform().name("etcetera-apply").unstarted(this::applyLoop);
    }

    /**
     * Applies the WAL entries the state machine has not applied yet; called once at start-up
     * before {@link #start()}, on the calling thread.
     *
     * @return the number of entries applied
     */
    public static int replay(List<Entry> entries, StateMachine stateMachine) {
        long applied = stateMachine.appliedIndex();
        int count = 0;
        long last = applied;
        for (Entry entry : entries) {
            if (entry.index() <= applied) {
                continue;
            }
            stateMachine.apply(entry);
            last = entry.index();
            count++;
            if (count % 10_000 == 0) {
                stateMachine.commit(last);
            }
        }
        if (count > 0) {
            stateMachine.commit(last);
            stateMachine.sync();
        }
        return count;
    }

    public void start() {
        running = true;
        nodeThread.start();
        applyThread.start();
    }

    /**
     * Proposes {@code data}; the future completes with the state machine's response once the
     * entry is durable and applied, or fails with an {@link etcetera.server.errors.EtcdException}.
     */
    public CompletableFuture<Object> propose(long requestId, byte[] data) {
        if (!running) {
            return CompletableFuture.failedFuture(EtcdError.STOPPED.exception());
        }
        CompletableFuture<Object> result = waiters.register(requestId);
        if (!proposals.offer(new Proposal(requestId, data))) {
            waiters.cancel(requestId, EtcdError.TOO_MANY_REQUESTS.exception());
        }
        return result;
    }

    public long memberId() {
        return memberId;
    }

    public long term() {
        return term;
    }

    /** The index of the last entry in the log. */
    public long lastIndex() {
        return lastIndex;
    }

    /** The index of the last applied entry. */
    public long appliedIndex() {
        return appliedIndex;
    }

    private void appendLoop() {
        List<Proposal> batch = new ArrayList<>(MAX_BATCH);
        try {
            while (running || !proposals.isEmpty()) {
                releaseWalIfDue();
                Proposal first = proposals.poll(50, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                proposals.drainTo(batch, MAX_BATCH - 1);
                List<Entry> entries = new ArrayList<>(batch.size());
                long index = lastIndex;
                for (Proposal proposal : batch) {
                    entries.add(Entry.normal(term, ++index, proposal.data()));
                }
                wal.append(new HardState(term, memberId, index), entries);
                wal.sync();
                lastIndex = index;
                committed.put(entries);
                batch.clear();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            fail("appending to the WAL failed; no further writes are accepted. Check the disk of the WAL directory, then restart the member", e);
        }
    }

    private void applyLoop() {
        List<List<Entry>> batches = new ArrayList<>();
        List<StateMachine.Outcome> outcomes = new ArrayList<>();
        try {
            while (running || nodeThread.isAlive() || !committed.isEmpty()) {
                List<Entry> first = committed.poll(50, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batches.add(first);
                committed.drainTo(batches);
                long last = 0;
                for (List<Entry> entries : batches) {
                    for (Entry entry : entries) {
                        outcomes.add(stateMachine.apply(entry));
                        last = entry.index();
                    }
                }
                stateMachine.commit(last);
                appliedIndex = last;
                if (last - lastReleaseRequest >= snapshotCount) {
                    stateMachine.sync();
                    lastReleaseRequest = last;
                    releasableIndex = last;
                }
                for (StateMachine.Outcome outcome : outcomes) {
                    waiters.trigger(outcome);
                }
                outcomes.clear();
                batches.clear();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            fail("applying committed entries failed; the member stops serving writes. Restart it to replay the WAL", e);
        }
    }

    /**
     * On the node thread: once the state machine has committed {@code --snapshot-count} more
     * entries durably, records a snapshot marker there and lets the WAL purge old segments.
     */
    private void releaseWalIfDue() {
        long due = releasableIndex;
        if (due > lastMarkedIndex) {
            wal.saveSnapshotMarker(due, term);
            wal.releaseBefore(due);
            lastMarkedIndex = due;
            LOG.log(Level.INFO, "released WAL up to the applied index applied-index=" + due + " (the backend holds it durably)");
        }
    }

    private void fail(String what, Throwable cause) {
        failure = cause;
        running = false;
        LOG.log(Level.ERROR, what + " error=" + cause, cause);
        waiters.failAll(EtcdError.STOPPED.exception());
    }

    /** The failure that stopped the node, if any. */
    public Throwable failure() {
        return failure;
    }

    /** Stops accepting proposals, finishes what is queued, and closes the WAL. */
    @Override
    public void close() {
        running = false;
        try {
            nodeThread.join(TimeUnit.SECONDS.toMillis(10));
            applyThread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Proposal left;
        while ((left = proposals.poll()) != null) {
            waiters.cancel(left.requestId(), EtcdError.STOPPED.exception());
        }
        waiters.failAll(EtcdError.STOPPED.exception());
        wal.close();
    }
}
