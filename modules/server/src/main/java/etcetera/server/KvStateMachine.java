package etcetera.server;

import com.google.protobuf.InvalidProtocolBufferException;
import etcetera.api.storage.Backend;
import etcetera.raft.ConfChange;
import etcetera.raft.ConfState;
import etcetera.raft.Entry;
import etcetera.server.apply.Applied;
import etcetera.server.apply.Applier;
import etcetera.server.errors.EtcdException;
import etcetera.server.membership.ClusterMembers;
import etcetera.server.mvcc.Event;
import etcetera.server.mvcc.MvccStore;
import etcetera.server.node.StateMachine;
import etcetera.server.watch.WatchHub;
import etcetera.wire.etcdserverpb.Member;
import etcetera.wire.internal.InternalRequest;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies committed log entries to the member's state: encoded {@link InternalRequest}s to the
 * MVCC store through the {@link Applier}, membership changes and published member attributes
 * to the {@link ClusterMembers}; commits the store once per batch with the last applied index,
 * then hands the batch's events to the {@link WatchHub} (after the commit, so that a watcher
 * that reads on seeing an event finds it). Owned by the apply thread.
 */
final class KvStateMachine implements StateMachine {

    private static final Logger LOG = System.getLogger("etcdserver");

    /** Who must learn about membership changes beyond the stored list (the peer transport). */
    interface PeerDirectory {
        void added(Member member);

        void updated(Member member);

        void removed(long memberId);

        /** The whole membership was replaced (a snapshot was restored). */
        void reloaded();
    }

    private final MvccStore store;
    private final Applier applier;
    private final Backend backend;
    private final ClusterMembers members;
    private final PeerDirectory peers;
    private final Alarms alarms;
    private final java.util.function.LongFunction<etcetera.wire.etcdserverpb.ResponseHeader> header;
    private final WatchHub watchHub;
    /** The events of the batch applied since the last commit. */
    private List<Event> batchEvents = new ArrayList<>();

    KvStateMachine(MvccStore store, Applier applier, Backend backend, ClusterMembers members, PeerDirectory peers,
            Alarms alarms, java.util.function.LongFunction<etcetera.wire.etcdserverpb.ResponseHeader> header, WatchHub watchHub) {
        this.watchHub = watchHub;
        this.alarms = alarms;
        this.header = header;
        this.store = store;
        this.applier = applier;
        this.backend = backend;
        this.members = members;
        this.peers = peers;
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
        if (request.hasPublish()) {
            Member published = request.getPublish();
            members.publish(published.getID(), published.getName(), published.getClientURLsList(), store::sharedBatch);
            members.member(published.getID()).ifPresent(peers::updated);
            return Outcome.of(request.getId(), published);
        }
        if (request.hasAlarm()) {
            return Outcome.of(request.getId(), etcetera.wire.etcdserverpb.AlarmResponse.newBuilder()
                    .setHeader(header.apply(store.currentRevision()))
                    .addAllAlarms(alarms.apply(request.getAlarm(), store::sharedBatch)).build());
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
    public Outcome applyConfChange(Entry entry, ConfChange change, ConfState confState) {
        switch (change.type()) {
            case ADD_NODE, ADD_LEARNER_NODE -> {
                Member member = change.context().length == 0
                        ? Member.newBuilder().setID(change.nodeId()).build()
                        : ClusterMembers.decode(change.context());
                boolean promotion = change.type() == ConfChange.Type.ADD_NODE
                        && members.member(change.nodeId()).map(Member::getIsLearner).orElse(false);
                if (promotion) {
                    members.promote(change.nodeId(), store::sharedBatch);
                } else {
                    members.add(member.toBuilder().setID(change.nodeId())
                            .setIsLearner(change.type() == ConfChange.Type.ADD_LEARNER_NODE).build(), store::sharedBatch);
                }
                members.member(change.nodeId()).ifPresent(peers::added);
                LOG.log(Level.INFO, (promotion ? "promoted learner " : "added member ") + Long.toHexString(change.nodeId())
                        + " peer-urls=" + member.getPeerURLsList() + " learner=" + (change.type() == ConfChange.Type.ADD_LEARNER_NODE));
            }
            case REMOVE_NODE -> {
                members.remove(change.nodeId(), store::sharedBatch);
                peers.removed(change.nodeId());
                LOG.log(Level.INFO, "removed member " + Long.toHexString(change.nodeId()));
            }
            case UPDATE_NODE -> {
                Member member = ClusterMembers.decode(change.context());
                members.updatePeerUrls(change.nodeId(), member.getPeerURLsList(), store::sharedBatch);
                members.member(change.nodeId()).ifPresent(peers::updated);
                LOG.log(Level.INFO, "updated member " + Long.toHexString(change.nodeId()) + " peer-urls=" + member.getPeerURLsList());
            }
        }
        return Outcome.of(change.id(), confState);
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

    @Override
    public void restore(Path backendImage) {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(backendImage), 1 << 16)) {
            store.replaceWith(in);
        } catch (IOException e) {
            throw new UncheckedIOException("reading the snapshot image " + backendImage + " failed", e);
        }
        members.load(backend);
        alarms.load(backend);
        applier.restored();
        batchEvents = new ArrayList<>();
        watchHub.restored();
        peers.reloaded();
    }
}
