package etcetera.server.concurrency;

import com.google.protobuf.ByteString;
import etcetera.wire.etcdserverpb.Compare;
import etcetera.wire.etcdserverpb.DeleteRangeRequest;
import etcetera.wire.etcdserverpb.PutRequest;
import etcetera.wire.etcdserverpb.RangeRequest;
import etcetera.wire.etcdserverpb.RequestOp;
import etcetera.wire.etcdserverpb.TxnRequest;
import etcetera.wire.etcdserverpb.TxnResponse;
import etcetera.wire.v3lockpb.LockRequest;
import etcetera.wire.v3lockpb.LockResponse;
import etcetera.wire.v3lockpb.UnlockRequest;
import etcetera.wire.v3lockpb.UnlockResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * etcd's Lock service: distributed mutexes as etcd's {@code concurrency.Mutex} makes them. A
 * contender puts {@code name/leaseIDhex} (attached to its lease) unless it is there already,
 * and holds the lock once every key under {@code name/} created before its own is gone:
 * released by Unlock (deleting the key) or by the expiry of its holder's lease. Stateless;
 * thread-safe.
 */
public final class Locks {

    private final KvClient kv;
    private final WaitQueue queue;

    public Locks(KvClient kv, KeyChanges changes) {
        this.kv = kv;
        this.queue = new WaitQueue(kv, changes);
    }

    /**
     * Acquires the lock {@code name} for the lease: completes with the holder's key once it is
     * held. Cancelling the returned future gives up waiting and withdraws the key.
     */
    public CompletableFuture<LockResponse> lock(LockRequest request) {
        ByteString prefix = request.getName().concat(ByteString.copyFromUtf8("/"));
        AtomicReference<CompletableFuture<?>> pending = new AtomicReference<>(CompletableFuture.completedFuture(null));
        AtomicReference<ByteString> myKey = new AtomicReference<>();
        CompletableFuture<LockResponse> result = WaitQueue.track(Sessions.lease(kv, request.getLease()), pending).thenCompose(lease -> {
            ByteString key = Sessions.key(prefix, lease);
            TxnRequest enqueue = TxnRequest.newBuilder()
                    .addCompare(Compare.newBuilder().setKey(key).setTarget(Compare.CompareTarget.CREATE)
                            .setResult(Compare.CompareResult.EQUAL).setCreateRevision(0))
                    .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(key).setLease(lease)))
                    .addSuccess(RequestOp.newBuilder().setRequestRange(WaitQueue.firstCreated(prefix)))
                    .addFailure(RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(key)))
                    .addFailure(RequestOp.newBuilder().setRequestRange(WaitQueue.firstCreated(prefix)))
                    .build();
            return WaitQueue.track(kv.txn(enqueue), pending).thenCompose(txn -> {
                myKey.set(key);
                return acquire(key, prefix, txn, pending);
            });
        });
        result.whenComplete((response, failure) -> {
            if (failure != null) {
                pending.get().cancel(false);
                ByteString key = myKey.get();
                if (key != null) {
                    // gave up (cancelled) or failed while waiting: withdraw, as etcd's Mutex does
                    kv.deleteRange(DeleteRangeRequest.newBuilder().setKey(key).build());
                }
            }
        });
        return result;
    }

    private CompletableFuture<LockResponse> acquire(ByteString key, ByteString prefix, TxnResponse txn,
            AtomicReference<CompletableFuture<?>> pending) {
        long myRevision = txn.getSucceeded()
                ? txn.getHeader().getRevision()
                : txn.getResponses(0).getResponseRange().getKvs(0).getCreateRevision();
        var owner = txn.getResponses(1).getResponseRange().getKvsList();
        if (owner.isEmpty() || owner.getFirst().getCreateRevision() == myRevision) {
            return CompletableFuture.completedFuture(LockResponse.newBuilder().setHeader(txn.getHeader()).setKey(key).build());
        }
        return queue.waitDeletes(prefix, myRevision - 1, pending)
                .thenApply(header -> LockResponse.newBuilder().setHeader(header).setKey(key).build());
    }

    /** Releases a lock by deleting its key (whoever holds the key may release it). */
    public CompletableFuture<UnlockResponse> unlock(UnlockRequest request) {
        return kv.deleteRange(DeleteRangeRequest.newBuilder().setKey(request.getKey()).build())
                .thenApply(deleted -> UnlockResponse.newBuilder().setHeader(deleted.getHeader()).build());
    }
}
