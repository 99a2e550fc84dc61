package etcetera.raft;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * A test driver for one member: owns its durable {@link MemoryRaftStorage} and a toy state
 * machine (a running hash of applied entries), carries out each {@link Ready} in the documented
 * order and can crash (losing everything not persisted) and restart from storage.
 * Used by the scenario interpreter and the simulator; single-threaded.
 */
final class SimNode {

    /** Observes what a node does, for invariant checks. */
    interface Observer {
        default void persisted(SimNode node, List<Entry> entries) { }

        default void applied(SimNode node, Entry entry) { }

        default void readState(SimNode node, ReadState rs) { }
    }

    final long id;
    final MemoryRaftStorage storage;
    private final RaftOptions options;
    private final SplittableRandom random;
    private final Observer observer;
    RawNode node;
    boolean up = true;

    long appliedIndex;
    long stateHash;
    ConfState confState;
    final List<Entry> appliedEntries = new ArrayList<>();
    final List<ReadState> readStates = new ArrayList<>();

    SimNode(long id, MemoryRaftStorage storage, RaftOptions options, long seed, Observer observer) {
        this.id = id;
        this.storage = storage;
        this.options = options;
        this.random = new SplittableRandom(seed);
        this.observer = observer;
        start();
    }

    /** A member of a new group of {@code voters}, bootstrapped as a real driver would. */
    static SimNode bootstrapped(long id, List<Long> voters, RaftOptions options, long seed, Observer observer) {
        SimNode n = new SimNode(id, new MemoryRaftStorage(), options, seed, observer);
        java.util.Map<Long, byte[]> ctx = new java.util.TreeMap<>();
        voters.forEach(v -> ctx.put(v, new byte[0]));
        n.node.bootstrap(ctx);
        // as the contract asks: the bootstrap entries are durable before the member talks to anyone
        n.handleReady(m -> {
            throw new AssertionError("bootstrap sends nothing: " + m);
        });
        return n;
    }

    private void start() {
        Snapshot snap = storage.snapshot();
        confState = storage.initialState().confState();
        appliedIndex = snap.index();
        stateHash = snap.isEmpty() ? 0 : ByteBuffer.wrap(snap.data()).getLong();
        appliedEntries.clear();
        node = new RawNode(options.withApplied(appliedIndex), storage, random.split());
    }

    Raft raft() {
        return node.raft();
    }

    /** Loses the in-memory state; the storage (what was persisted) survives. */
    void crash() {
        up = false;
        node = null;
        inFlight = null;
    }

    void restart() {
        up = true;
        start();
    }

    /** Handles one Ready if there is one: persist, send (through {@code out}), apply, advance. */
    boolean handleReady(Consumer<Message> out) {
        return handleReady(out, false);
    }

    /**
     * Handles one Ready as a pipelining driver does: messages that may leave before the writes
     * are sent first; with {@code crashWhilePersisting} the member then dies before anything of
     * this Ready reaches its storage.
     */
    boolean handleReady(Consumer<Message> out, boolean crashWhilePersisting) {
        if (!beginReady(out)) {
            return false;
        }
        if (crashWhilePersisting) {
            crash();
        } else {
            finishReady(out);
        }
        return true;
    }

    /** The Ready whose writes are in progress (between {@link #beginReady} and {@link #finishReady}), or null. */
    Ready inFlight;

    /** Takes the next Ready and sends what may leave before its writes; false if there is none. */
    boolean beginReady(Consumer<Message> out) {
        if (!up || inFlight != null || !node.hasReady()) {
            return false;
        }
        inFlight = node.ready();
        inFlight.messages().stream().filter(Ready::sendableBeforePersisting).forEach(out);
        return true;
    }

    /**
     * Dies while the Ready in flight is being written. Like a WAL after a torn write, storage
     * keeps a prefix of what was written (snapshot, then entries, then hard state), of a length
     * chosen by {@code keep} (a fraction in [0, 1]); nothing that needed the write was sent.
     */
    void crashDuringWrite(double keep) {
        Ready rd = inFlight;
        int items = (rd.snapshot().isPresent() ? 1 : 0) + rd.entries().size() + (rd.hardState().isPresent() ? 1 : 0);
        int kept = (int) Math.floor(keep * (items + 1));
        int written = 0;
        if (rd.snapshot().isPresent() && written < kept) {
            storage.applySnapshot(rd.snapshot().get());
            written++;
        }
        int entries = Math.min(rd.entries().size(), kept - written);
        if (entries > 0) {
            storage.append(rd.entries().subList(0, entries));
            written += entries;
        }
        if (rd.hardState().isPresent() && written < kept) {
            storage.setHardState(rd.hardState().get());
        }
        crash();
    }

    /** Completes the Ready in flight: persist, send the rest, apply, advance. */
    void finishReady(Consumer<Message> out) {
        Ready rd = inFlight;
        inFlight = null;
        rd.snapshot().ifPresent(storage::applySnapshot);
        storage.append(rd.entries());
        if (!rd.entries().isEmpty()) {
            observer.persisted(this, rd.entries());
        }
        rd.hardState().ifPresent(storage::setHardState);
        rd.messages().stream().filter(m -> !Ready.sendableBeforePersisting(m)).forEach(out);
        rd.snapshot().ifPresent(s -> {
            appliedIndex = s.index();
            stateHash = ByteBuffer.wrap(s.data()).getLong();
            confState = s.metadata().confState();
        });
        for (Entry e : rd.committedEntries()) {
            if (e.index() <= appliedIndex) {
                continue;
            }
            if (e.index() != appliedIndex + 1) {
                throw new AssertionError("node " + id + " applies " + e.index() + " after " + appliedIndex);
            }
            appliedIndex = e.index();
            stateHash = stateHash * 31 + java.util.Arrays.hashCode(e.data()) + e.index();
            appliedEntries.add(e);
            if (e.type() == EntryType.CONF_CHANGE) {
                confState = node.applyConfChange(ConfChange.decode(e.data()));
            }
            observer.applied(this, e);
        }
        for (ReadState rs : rd.readStates()) {
            readStates.add(rs);
            observer.readState(this, rs);
        }
        node.advance(rd);
    }

    /** Takes an application snapshot at the applied index and compacts the log, keeping {@code keep} entries. */
    void snapshotAndCompact(long keep) {
        if (appliedIndex <= storage.snapshot().index() || appliedIndex > storage.lastIndex()) {
            return;
        }
        byte[] data = ByteBuffer.allocate(8).putLong(stateHash).array();
        storage.createSnapshot(appliedIndex, confState, data);
        long cut = appliedIndex - keep;
        if (cut > storage.firstIndex()) {
            storage.compact(cut);
        }
    }
}
