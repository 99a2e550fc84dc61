package etcetera.server;

import com.google.protobuf.InvalidProtocolBufferException;
import etcetera.api.storage.Backend;
import etcetera.raft.Entry;
import etcetera.server.apply.Applied;
import etcetera.server.apply.Applier;
import etcetera.server.errors.EtcdException;
import etcetera.server.mvcc.Event;
import etcetera.server.mvcc.MvccStore;
import etcetera.server.node.StateMachine;
import etcetera.server.watch.WatchHub;
import etcetera.wire.internal.InternalRequest;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies committed log entries (encoded {@link InternalRequest}s) to the MVCC store through
 * the {@link Applier}, and commits the store once per batch with the last applied index; then
 * hands the batch's events to the {@link WatchHub} (after the commit, so that a watcher that
 * reads on seeing an event finds it). Owned by the apply thread.
 */
final class KvStateMachine implements StateMachine {

    private static final Logger LOG = System.getLogger("etcdserver");

    private final MvccStore store;
    private final Applier applier;
    private final Backend backend;
    private final WatchHub watchHub;
    /** The events of the batch applied since the last commit. */
    private List<Event> batchEvents = new ArrayList<>();

    KvStateMachine(MvccStore store, Applier applier, Backend backend, WatchHub watchHub) {
        this.store = store;
        this.applier = applier;
        this.backend = backend;
        this.watchHub = watchHub;
    }

    @Override
    public long appliedIndex() {
        return store.consistentIndex();
    }

    @Override
    public Outcome apply(Entry entry) {
        if (entry.data().length == 0) {
            return Outcome.of(0, null);
        }
        InternalRequest request;
        try {
            request = InternalRequest.parseFrom(entry.data());
        } catch (InvalidProtocolBufferException e) {
            // Written by us and checksummed by the WAL: this is a bug or a newer format.
            LOG.log(Level.ERROR, "skipping an entry that does not decode index=" + entry.index() + " error=" + e.getMessage());
            return Outcome.of(0, null);
        }
        try {
            Applied applied = applier.applyWithEvents(request);
            batchEvents.addAll(applied.events());
            return Outcome.of(request.getId(), applied.response());
        } catch (EtcdException e) {
            return Outcome.failed(request.getId(), e);
        }
    }

    @Override
    public void commit(long appliedIndex) {
        store.commit(appliedIndex);
        if (!batchEvents.isEmpty()) {
            watchHub.publish(store.currentRevision(), batchEvents);
            batchEvents = new ArrayList<>();
        }
    }

    @Override
    public void sync() {
        backend.sync();
    }
}
