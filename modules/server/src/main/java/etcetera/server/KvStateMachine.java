package etcetera.server;

import com.google.protobuf.InvalidProtocolBufferException;
import etcetera.api.storage.Backend;
import etcetera.raft.Entry;
import etcetera.server.apply.Applier;
import etcetera.server.errors.EtcdException;
import etcetera.server.mvcc.MvccStore;
import etcetera.server.node.StateMachine;
import etcetera.wire.internal.InternalRequest;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * Applies committed log entries (encoded {@link InternalRequest}s) to the MVCC store through
 * the {@link Applier}, and commits the store once per batch with the last applied index.
 * Owned by the apply thread.
 */
final class KvStateMachine implements StateMachine {

    private static final Logger LOG = System.getLogger("etcdserver");

    private final MvccStore store;
    private final Applier applier;
    private final Backend backend;

    KvStateMachine(MvccStore store, Applier applier, Backend backend) {
        this.store = store;
        this.applier = applier;
        this.backend = backend;
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
            return Outcome.of(request.getId(), applier.apply(request));
        } catch (EtcdException e) {
            return Outcome.failed(request.getId(), e);
        }
    }

    @Override
    public void commit(long appliedIndex) {
        store.commit(appliedIndex);
    }

    @Override
    public void sync() {
        backend.sync();
    }
}
