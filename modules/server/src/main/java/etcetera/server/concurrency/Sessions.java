package etcetera.server.concurrency;

import etcetera.wire.etcdserverpb.LeaseGrantRequest;
import java.util.concurrent.CompletableFuture;

/**
 * The lease a Lock or Campaign request runs under: the one it names, or, for lease 0, a new
 * lease of etcd's default session TTL (60 s) that nobody keeps alive, as etcd's servers create
 * it (an orphaned session). Stateless.
 */
final class Sessions {

    /** etcd's default session TTL, in seconds. */
    static final long DEFAULT_TTL_SECONDS = 60;

    private Sessions() {
    }

    static CompletableFuture<Long> lease(KvClient kv, long requested) {
        if (requested != 0) {
            return CompletableFuture.completedFuture(requested);
        }
        return kv.grant(LeaseGrantRequest.newBuilder().setTTL(DEFAULT_TTL_SECONDS).build()).thenApply(granted -> granted.getID());
    }

    /** The waiter key of {@code lease} under {@code prefix}: lease ID in lowercase hex, as etcd's {@code %x}. */
    static com.google.protobuf.ByteString key(com.google.protobuf.ByteString prefix, long lease) {
        return prefix.concat(com.google.protobuf.ByteString.copyFromUtf8(Long.toHexString(lease)));
    }
}
