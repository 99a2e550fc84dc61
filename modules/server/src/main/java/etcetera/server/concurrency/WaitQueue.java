package etcetera.server.concurrency;

import com.google.protobuf.ByteString;
import etcetera.server.mvcc.Event;
import etcetera.wire.etcdserverpb.RangeRequest;
import etcetera.wire.etcdserverpb.RangeResponse;
import etcetera.wire.etcdserverpb.ResponseHeader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The waiting common to locks and elections: the waiters of a name are the keys under
 * {@code name/}, ordered by create revision; a waiter holds the lock (or leads) once every key
 * created before its own is deleted (etcd's {@code waitDeletes}). Stateless; thread-safe.
 */
final class WaitQueue {

    private final KvClient kv;
    private final KeyChanges changes;

    WaitQueue(KvClient kv, KeyChanges changes) {
        this.kv = kv;
        this.changes = changes;
    }

    /** The range request for the key created first under {@code prefix} (etcd's WithFirstCreate). */
    static RangeRequest firstCreated(ByteString prefix) {
        return RangeRequest.newBuilder().setKey(prefix).setRangeEnd(prefixEnd(prefix))
                .setSortTarget(RangeRequest.SortTarget.CREATE).setSortOrder(RangeRequest.SortOrder.ASCEND).setLimit(1).build();
    }

    /** The end of the range of keys starting with {@code prefix}, as etcd computes it. */
    static ByteString prefixEnd(ByteString prefix) {
        byte[] end = prefix.toByteArray();
        for (int i = end.length - 1; i >= 0; i--) {
            if (end[i] != (byte) 0xFF) {
                end[i]++;
                return ByteString.copyFrom(end, 0, i + 1);
            }
        }
        return ByteString.copyFrom(new byte[] {0});
    }

    /**
     * Completes once no key under {@code prefix} has a create revision {@code <= maxCreateRevision},
     * with the header of the read that saw so; each wait is on the newest such key.
     *
     * @param pending holds the wait in progress, so that a cancelled caller can stop it
     */
    CompletableFuture<ResponseHeader> waitDeletes(ByteString prefix, long maxCreateRevision, AtomicReference<CompletableFuture<?>> pending) {
        RangeRequest lastCreated = RangeRequest.newBuilder().setKey(prefix).setRangeEnd(prefixEnd(prefix))
                .setSortTarget(RangeRequest.SortTarget.CREATE).setSortOrder(RangeRequest.SortOrder.DESCEND).setLimit(1)
                .setMaxCreateRevision(maxCreateRevision).build();
        return track(kv.range(lastCreated), pending).thenCompose(response -> {
            if (response.getKvsCount() == 0) {
                return CompletableFuture.completedFuture(response.getHeader());
            }
            return waitDelete(response.getKvs(0).getKey().toByteArray(), response.getHeader().getRevision(), pending)
                    .thenCompose(deleted -> waitDeletes(prefix, maxCreateRevision, pending));
        });
    }

    /** Completes at the first deletion of {@code key} at a revision {@code >= fromRevision}. */
    CompletableFuture<Void> waitDelete(byte[] key, long fromRevision, AtomicReference<CompletableFuture<?>> pending) {
        return track(changes.next(key, new byte[0], fromRevision), pending).thenCompose(event -> event.type() == Event.Type.DELETE
                ? CompletableFuture.completedFuture(null)
                : waitDelete(key, event.kv().modRevision() + 1, pending));
    }

    /** The first range of the leader (or lock holder) of {@code prefix}. */
    CompletableFuture<RangeResponse> first(ByteString prefix) {
        return kv.range(firstCreated(prefix));
    }

    static <T> CompletableFuture<T> track(CompletableFuture<T> step, AtomicReference<CompletableFuture<?>> pending) {
        pending.set(step);
        return step;
    }
}
