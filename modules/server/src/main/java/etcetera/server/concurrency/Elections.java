package etcetera.server.concurrency;

import com.google.protobuf.ByteString;
import etcetera.server.errors.EtcdError;
import etcetera.server.mvcc.Event;
import etcetera.server.mvcc.KeyValue;
import etcetera.wire.etcdserverpb.Compare;
import etcetera.wire.etcdserverpb.DeleteRangeRequest;
import etcetera.wire.etcdserverpb.PutRequest;
import etcetera.wire.etcdserverpb.RangeRequest;
import etcetera.wire.etcdserverpb.RequestOp;
import etcetera.wire.etcdserverpb.ResponseHeader;
import etcetera.wire.etcdserverpb.TxnRequest;
import etcetera.wire.etcdserverpb.TxnResponse;
import etcetera.wire.v3electionpb.CampaignRequest;
import etcetera.wire.v3electionpb.CampaignResponse;
import etcetera.wire.v3electionpb.LeaderKey;
import etcetera.wire.v3electionpb.LeaderRequest;
import etcetera.wire.v3electionpb.LeaderResponse;
import etcetera.wire.v3electionpb.ProclaimRequest;
import etcetera.wire.v3electionpb.ProclaimResponse;
import etcetera.wire.v3electionpb.ResignRequest;
import etcetera.wire.v3electionpb.ResignResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * etcd's Election service, as etcd's {@code concurrency.Election} runs elections: a candidate
 * puts {@code name/leaseIDhex} with its value (attached to its lease) and leads once every key
 * under {@code name/} created before its own is gone; the leader is the key created first;
 * proclaiming rewrites the leader's value while its key still has the create revision it won
 * with; resigning deletes it, and so does the expiry of the leader's lease. Stateless;
 * thread-safe.
 */
public final class Elections {

    private final KvClient kv;
    private final KeyChanges changes;
    private final WaitQueue queue;

    public Elections(KvClient kv, KeyChanges changes) {
        this.kv = kv;
        this.changes = changes;
        this.queue = new WaitQueue(kv, changes);
    }

    private static ByteString prefix(ByteString name) {
        return name.concat(ByteString.copyFromUtf8("/"));
    }

    /**
     * Campaigns: completes once this candidate leads. Cancelling the returned future gives up
     * and withdraws the candidate's key.
     */
    public CompletableFuture<CampaignResponse> campaign(CampaignRequest request) {
        ByteString prefix = prefix(request.getName());
        AtomicReference<CompletableFuture<?>> pending = new AtomicReference<>(CompletableFuture.completedFuture(null));
        AtomicReference<LeaderKey> candidate = new AtomicReference<>();
        CompletableFuture<CampaignResponse> result = WaitQueue.track(Sessions.lease(kv, request.getLease()), pending).thenCompose(lease -> {
            ByteString key = Sessions.key(prefix, lease);
            TxnRequest enter = TxnRequest.newBuilder()
                    .addCompare(createRevisionIs(key, 0))
                    .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(key).setValue(request.getValue()).setLease(lease)))
                    .addFailure(RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(key)))
                    .build();
            return WaitQueue.track(kv.txn(enter), pending).thenCompose(txn -> {
                var existing = txn.getSucceeded() ? null : txn.getResponses(0).getResponseRange().getKvs(0);
                long revision = existing == null ? txn.getHeader().getRevision() : existing.getCreateRevision();
                LeaderKey leader = LeaderKey.newBuilder().setName(request.getName()).setKey(key).setRev(revision).setLease(lease).build();
                candidate.set(leader);
                CompletableFuture<?> proclaimed = existing == null || existing.getValue().equals(request.getValue())
                        ? CompletableFuture.completedFuture(null)
                        : proclaim(ProclaimRequest.newBuilder().setLeader(leader).setValue(request.getValue()).build());
                return WaitQueue.track(proclaimed, pending)
                        .thenCompose(done -> queue.waitDeletes(prefix, revision - 1, pending))
                        .thenApply(header -> CampaignResponse.newBuilder().setHeader(txn.getHeader()).setLeader(leader).build());
            });
        });
        result.whenComplete((response, failure) -> {
            if (failure != null) {
                pending.get().cancel(false);
                LeaderKey leader = candidate.get();
                if (leader != null) {
                    resign(ResignRequest.newBuilder().setLeader(leader).build());
                }
            }
        });
        return result;
    }

    /** Sets the leader's value, if the caller still leads with that key. */
    public CompletableFuture<ProclaimResponse> proclaim(ProclaimRequest request) {
        if (!request.hasLeader()) {
            return CompletableFuture.failedFuture(EtcdError.ELECTION_MISSING_LEADER_KEY.exception());
        }
        LeaderKey leader = request.getLeader();
        TxnRequest rewrite = TxnRequest.newBuilder()
                .addCompare(createRevisionIs(leader.getKey(), leader.getRev()))
                .addSuccess(RequestOp.newBuilder().setRequestPut(
                        PutRequest.newBuilder().setKey(leader.getKey()).setValue(request.getValue()).setLease(leader.getLease())))
                .build();
        return kv.txn(rewrite).thenApply(txn -> {
            if (!txn.getSucceeded()) {
                throw EtcdError.ELECTION_NOT_LEADER.exception();
            }
            return ProclaimResponse.newBuilder().setHeader(txn.getHeader()).build();
        });
    }

    /** The current leader's key-value; fails with ELECTION_NO_LEADER if nobody leads. */
    public CompletableFuture<LeaderResponse> leader(LeaderRequest request) {
        return queue.first(prefix(request.getName())).thenApply(range -> {
            if (range.getKvsCount() == 0) {
                throw EtcdError.ELECTION_NO_LEADER.exception();
            }
            return LeaderResponse.newBuilder().setHeader(range.getHeader()).setKv(range.getKvs(0)).build();
        });
    }

    /** Gives up leadership: deletes the leader's key if it is still the one the caller won with. */
    public CompletableFuture<ResignResponse> resign(ResignRequest request) {
        if (!request.hasLeader()) {
            return CompletableFuture.failedFuture(EtcdError.ELECTION_MISSING_LEADER_KEY.exception());
        }
        LeaderKey leader = request.getLeader();
        TxnRequest delete = TxnRequest.newBuilder()
                .addCompare(createRevisionIs(leader.getKey(), leader.getRev()))
                .addSuccess(RequestOp.newBuilder().setRequestDeleteRange(DeleteRangeRequest.newBuilder().setKey(leader.getKey())))
                .build();
        return kv.txn(delete).thenApply(txn -> ResignResponse.newBuilder().setHeader(txn.getHeader()).build());
    }

    /**
     * Streams the leadership of an election to {@code sink}, one call at a time: the current
     * leader (or, if none, the first candidate to appear), each new value it proclaims, and,
     * once its key is gone, the next leader. Cancel the returned future to stop; it fails if
     * the changes can no longer be followed (e.g. compacted).
     */
    public CompletableFuture<Void> observe(LeaderRequest request, Consumer<LeaderResponse> sink) {
        CompletableFuture<Void> observation = new CompletableFuture<>();
        AtomicReference<CompletableFuture<?>> pending = new AtomicReference<>(CompletableFuture.completedFuture(null));
        observation.whenComplete((done, failure) -> pending.get().cancel(false));
        observeFrom(prefix(request.getName()), sink, observation, pending);
        return observation;
    }

    private void observeFrom(ByteString prefix, Consumer<LeaderResponse> sink, CompletableFuture<Void> observation,
            AtomicReference<CompletableFuture<?>> pending) {
        if (observation.isDone()) {
            return;
        }
        WaitQueue.track(queue.first(prefix), pending)
                .thenCompose(range -> range.getKvsCount() > 0
                        ? CompletableFuture.completedFuture(LeaderResponse.newBuilder().setHeader(range.getHeader()).setKv(range.getKvs(0)).build())
                        : firstPut(prefix, range.getHeader(), range.getHeader().getRevision(), pending))
                .thenCompose(leader -> {
                    if (observation.isDone()) {
                        return CompletableFuture.completedFuture(null);
                    }
                    sink.accept(leader);
                    return followLeader(leader, sink, observation, pending);
                })
                .whenComplete((done, failure) -> {
                    if (failure != null) {
                        observation.completeExceptionally(failure);
                    } else {
                        observeFrom(prefix, sink, observation, pending);
                    }
                });
    }

    /** Waits for the first put under {@code prefix} from {@code fromRevision} (deletes are skipped). */
    private CompletableFuture<LeaderResponse> firstPut(ByteString prefix, ResponseHeader header, long fromRevision,
            AtomicReference<CompletableFuture<?>> pending) {
        return WaitQueue.track(changes.next(prefix.toByteArray(), WaitQueue.prefixEnd(prefix).toByteArray(), fromRevision), pending)
                .thenCompose(event -> event.type() == Event.Type.PUT
                        ? CompletableFuture.completedFuture(LeaderResponse.newBuilder()
                                .setHeader(header.toBuilder().setRevision(event.kv().modRevision())).setKv(wire(event.kv())).build())
                        : firstPut(prefix, header, event.kv().modRevision() + 1, pending));
    }

    /** Hands {@code sink} each new value of the leader's key; completes once the key is deleted. */
    private CompletableFuture<Void> followLeader(LeaderResponse leader, Consumer<LeaderResponse> sink, CompletableFuture<Void> observation,
            AtomicReference<CompletableFuture<?>> pending) {
        byte[] key = leader.getKv().getKey().toByteArray();
        return WaitQueue.track(changes.next(key, new byte[0], leader.getHeader().getRevision() + 1), pending).thenCompose(event -> {
            if (event.type() == Event.Type.DELETE || observation.isDone()) {
                return CompletableFuture.completedFuture(null);
            }
            LeaderResponse changed = LeaderResponse.newBuilder()
                    .setHeader(leader.getHeader().toBuilder().setRevision(event.kv().modRevision())).setKv(wire(event.kv())).build();
            sink.accept(changed);
            return followLeader(changed, sink, observation, pending);
        });
    }

    private static Compare createRevisionIs(ByteString key, long revision) {
        return Compare.newBuilder().setKey(key).setTarget(Compare.CompareTarget.CREATE)
                .setResult(Compare.CompareResult.EQUAL).setCreateRevision(revision).build();
    }

    private static etcetera.wire.mvccpb.KeyValue wire(KeyValue kv) {
        return etcetera.wire.mvccpb.KeyValue.newBuilder().setKey(ByteString.copyFrom(kv.key()))
                .setCreateRevision(kv.createRevision()).setModRevision(kv.modRevision()).setVersion(kv.version())
                .setValue(ByteString.copyFrom(kv.value())).setLease(kv.lease()).build();
    }
}
