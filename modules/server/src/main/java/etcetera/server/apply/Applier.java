package etcetera.server.apply;

import com.google.protobuf.Message;
import etcetera.server.errors.EtcdError;
import etcetera.server.mvcc.CompactionResult;
import etcetera.server.mvcc.Event;
import etcetera.server.mvcc.MvccException;
import etcetera.server.mvcc.MvccStore;
import etcetera.server.mvcc.ReadView;
import etcetera.server.mvcc.WriteTxn;
import etcetera.wire.etcdserverpb.CompactionRequest;
import etcetera.wire.etcdserverpb.CompactionResponse;
import etcetera.wire.etcdserverpb.LeaseCheckpoint;
import etcetera.wire.etcdserverpb.LeaseCheckpointRequest;
import etcetera.wire.etcdserverpb.LeaseCheckpointResponse;
import etcetera.wire.etcdserverpb.LeaseGrantRequest;
import etcetera.wire.etcdserverpb.LeaseGrantResponse;
import etcetera.wire.etcdserverpb.LeaseRevokeRequest;
import etcetera.wire.etcdserverpb.LeaseRevokeResponse;
import etcetera.wire.etcdserverpb.PutRequest;
import etcetera.wire.etcdserverpb.RangeRequest;
import etcetera.wire.etcdserverpb.RangeResponse;
import etcetera.wire.etcdserverpb.ResponseHeader;
import etcetera.wire.etcdserverpb.TxnRequest;
import etcetera.wire.etcdserverpb.TxnResponse;
import etcetera.wire.internal.InternalRequest;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * etcd's key-value semantics over the {@link MvccStore}, producing etcd's responses and errors.
 *
 * <p>Reads ({@link #range}, {@link #txnReadOnly}) run on any thread, on the last committed
 * view; waiting for a read barrier first, when the request is not serializable, is the
 * caller's job. Writes ({@link #applyWithEvents}) run on the apply thread only: each request
 * in one MVCC write transaction, so all the changes of a txn share one revision, and a
 * request that fails changes nothing. Committing the store after a batch is the caller's job.
 *
 * <p>Responses carry this member's header ({@link ResponseHeaders}) at the right revision;
 * the responses of a txn's operations carry only their revision, and those of nested txns an
 * empty header, as in etcd. Holds no mutable state of its own.
 */
public final class Applier {

    private final MvccStore store;
    private final ResponseHeaders headers;
    private final Leases leases;
    private final NoSpaceAlarm noSpace;
    private final TxnRunner txns;

    /**
     * @param leases the lessor's replicated state: checked by puts that attach a lease, changed
     *     by lease requests and by every write (attachments)
     * @param noSpace whether the NOSPACE alarm is raised (puts are refused while it is)
     */
    public Applier(MvccStore store, ResponseHeaders headers, Leases leases, NoSpaceAlarm noSpace) {
        this.store = store;
        this.headers = headers;
        this.leases = leases;
        this.noSpace = noSpace;
        this.txns = new TxnRunner(leases, store::compactRevision);
    }

    /** An applier for a server that keeps no quota alarm. */
    public Applier(MvccStore store, ResponseHeaders headers, Leases leases) {
        this(store, headers, leases, NoSpaceAlarm.never());
    }

    // ---- reads, any thread ----------------------------------------------------------------

    /**
     * A Range on the last committed view.
     *
     * @throws etcetera.server.errors.EtcdException COMPACTED or FUTURE_REV
     */
    public RangeResponse range(RangeRequest request) {
        try (ReadView view = store.read()) {
            return RangeReader.range(view, request).setHeader(headers.at(view.revision())).build();
        }
    }

    /**
     * A txn that only reads ({@link RequestChecks#isReadOnly}), on the last committed view,
     * without going through the log.
     *
     * @throws etcetera.server.errors.EtcdException COMPACTED or FUTURE_REV for a range of the
     *     chosen branch
     * @throws IllegalArgumentException if the txn may write
     */
    public TxnResponse txnReadOnly(TxnRequest request) {
        if (!RequestChecks.isReadOnly(request)) {
            throw new IllegalArgumentException("the txn may write; it must go through the log");
        }
        try (ReadView view = store.read()) {
            return txns.run(view, request).setHeader(headers.at(view.revision())).build();
        }
    }

    // ---- writes, apply thread -------------------------------------------------------------

    /**
     * Applies one committed KV or lease request: put, delete range, txn, compaction, lease
     * grant, revoke (its keys deleted in one revision) or checkpoint, or a range that
     * was ordered through the log (read on the writer's view, which includes the batch not
     * yet committed). Apply thread only.
     *
     * @return the response and the changes made
     * @throws etcetera.server.errors.EtcdException the request's client-visible failure
     *     (NO_SPACE, LEASE_NOT_FOUND, LEASE_EXIST, LEASE_TTL_TOO_LARGE, KEY_NOT_FOUND,
     *     COMPACTED, FUTURE_REV); the store is
     *     unchanged then
     * @throws IllegalArgumentException for a request that is not a KV request
     */
    public Applied applyWithEvents(InternalRequest request) {
        return switch (request.getRequestCase()) {
            case PUT -> put(request.getPut());
            case DELETE_RANGE -> inWriteTxn(txn -> KeyWrites.deleteRange(txn, request.getDeleteRange()),
                    (response, header) -> response.setHeader(header).build());
            case TXN -> txn(request.getTxn());
            case RANGE -> inWriteTxn(txn -> RangeReader.range(txn, request.getRange()),
                    (response, header) -> response.setHeader(header).build());
            case COMPACTION -> compact(request.getCompaction());
            case LEASE_GRANT -> grant(request.getLeaseGrant());
            case LEASE_REVOKE -> revoke(request.getLeaseRevoke());
            case LEASE_CHECKPOINT -> checkpoint(request.getLeaseCheckpoint());
            default -> throw new IllegalArgumentException("not a KV request: " + request.getRequestCase());
        };
    }

    /**
     * Applies one committed KV request and returns only its response (the changes are not
     * reported). Apply thread only.
     *
     * @deprecated the watch hub needs the changes: use {@link #applyWithEvents}
     */
    @Deprecated
    public Object apply(InternalRequest request) {
        return applyWithEvents(request).response();
    }

    /**
     * The backend was replaced by a snapshot image: reloads the state derived from it that
     * the applier keeps beside the MVCC store (the leases). Apply thread only.
     */
    public void restored() {
        leases.reload();
    }

    /**
     * Completes once the physical part of every compaction committed so far is done. Never
     * wait for it on the apply thread with a batch open.
     */
    public CompletableFuture<Void> compactionsDone() {
        return store.compactionsDone();
    }

    private Applied put(PutRequest request) {
        if (noSpace.raised()) {
            throw EtcdError.NO_SPACE.exception();
        }
        if (request.getLease() != 0 && !leases.exists(request.getLease())) {
            throw EtcdError.LEASE_NOT_FOUND.exception();
        }
        return inWriteTxn(txn -> KeyWrites.put(txn, request), (response, header) -> response.setHeader(header).build());
    }

    private Applied txn(TxnRequest request) {
        if (noSpace.raised() && RequestChecks.hasPuts(request)) {
            throw EtcdError.NO_SPACE.exception();
        }
        return inWriteTxn(txn -> txns.run(txn, request), (response, header) -> response.setHeader(header).build());
    }

    private Applied compact(CompactionRequest request) {
        CompactionResult result;
        try {
            result = store.compact(request.getRevision());
        } catch (MvccException e) {
            throw WireKv.error(e);
        }
        CompactionResponse response = CompactionResponse.newBuilder().setHeader(headers.at(store.appliedRevision())).build();
        return new Applied(response, List.of(), Optional.of(result.done()));
    }

    private Applied grant(LeaseGrantRequest request) {
        long ttl = leases.grant(request.getID(), request.getTTL());
        return new Applied(LeaseGrantResponse.newBuilder().setHeader(headers.at(store.appliedRevision()))
                .setID(request.getID()).setTTL(ttl).build(), List.of());
    }

    /** Deletes the lease's keys in one write transaction (one revision, one event each), and the lease with them. */
    private Applied revoke(LeaseRevokeRequest request) {
        List<byte[]> keys = leases.attachedKeys(request.getID());
        return inWriteTxn(txn -> {
            for (byte[] key : keys) {
                txn.deleteRange(key, WireKv.NO_BYTES);
            }
            leases.revoked(request.getID());
            return LeaseRevokeResponse.newBuilder();
        }, (response, header) -> response.setHeader(header).build());
    }

    private Applied checkpoint(LeaseCheckpointRequest request) {
        for (LeaseCheckpoint checkpoint : request.getCheckpointsList()) {
            leases.checkpoint(checkpoint.getID(), checkpoint.getRemainingTTL());
        }
        return new Applied(LeaseCheckpointResponse.newBuilder().setHeader(headers.at(store.appliedRevision())).build(), List.of());
    }

    /**
     * Runs {@code body} in one write transaction and completes its response with the header
     * at the transaction's revision (the current one if it changed nothing).
     */
    private <B> Applied inWriteTxn(Function<WriteTxn, B> body, BiFunction<B, ResponseHeader, Message> complete) {
        try (WriteTxn txn = store.write()) {
            B response = body.apply(txn);
            List<Event> events = txn.end();
            leases.attachmentsChanged(events);
            return new Applied(complete.apply(response, headers.at(txn.revision())), events);
        }
    }
}
