package etcetera.server;

import etcetera.server.errors.EtcdError;
import etcetera.server.errors.EtcdException;
import etcetera.server.grpc.LeaseApi;
import etcetera.server.lease.Lessor;
import etcetera.server.node.RequestIds;
import etcetera.wire.etcdserverpb.LeaseGrantRequest;
import etcetera.wire.etcdserverpb.LeaseGrantResponse;
import etcetera.wire.etcdserverpb.LeaseKeepAliveResponse;
import etcetera.wire.etcdserverpb.LeaseLeasesResponse;
import etcetera.wire.etcdserverpb.LeaseRevokeRequest;
import etcetera.wire.etcdserverpb.LeaseRevokeResponse;
import etcetera.wire.etcdserverpb.LeaseStatus;
import etcetera.wire.etcdserverpb.LeaseTimeToLiveRequest;
import etcetera.wire.etcdserverpb.LeaseTimeToLiveResponse;
import etcetera.wire.etcdserverpb.ResponseHeader;
import etcetera.wire.internal.InternalRequest;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A member's lease operations: grants and revokes go through the log; keep-alives, TTL
 * queries and lists are answered by the primary {@link Lessor}. A member that is not primary
 * hands keep-alives and TTL queries to its {@link Forwarder} (to the leader) when a leader is
 * known, else waits (bounded) to become primary itself — the one-member case right after
 * start — and then forwards or fails with NO_LEADER. Thread-safe; called on request threads.
 */
final class LeaseEndpoint implements LeaseApi, AutoCloseable {

    /** What etcd adds to the quota estimate for a lease grant. */
    private static final long GRANT_QUOTA_COST = 64;

    /** Proposes a request through the log; the future holds the applied response. */
    @FunctionalInterface
    interface Proposer {
        CompletableFuture<Object> propose(InternalRequest.Builder request, long quotaCost);
    }

    /**
     * Serves the primary-only lease operations of a member that is not primary, by asking the
     * leader. The default, {@link #none()}, cannot (fails with NO_LEADER): in a multi-member
     * cluster the node driver must supply one (e.g. over the leader's client URL) so that
     * clients connected to followers keep their leases alive.
     */
    interface Forwarder {
        /** Whether a leader other than this member is known to forward to now. */
        boolean canForward();

        CompletableFuture<LeaseKeepAliveResponse> keepAlive(long leaseId);

        CompletableFuture<LeaseTimeToLiveResponse> timeToLive(LeaseTimeToLiveRequest request);

        static Forwarder none() {
            return new Forwarder() {
                @Override
                public boolean canForward() {
                    return false;
                }

                @Override
                public CompletableFuture<LeaseKeepAliveResponse> keepAlive(long leaseId) {
                    return CompletableFuture.failedFuture(EtcdError.NO_LEADER.exception());
                }

                @Override
                public CompletableFuture<LeaseTimeToLiveResponse> timeToLive(LeaseTimeToLiveRequest request) {
                    return CompletableFuture.failedFuture(EtcdError.NO_LEADER.exception());
                }
            };
        }
    }

    private final Lessor lessor;
    private final Proposer proposer;
    private final Supplier<ResponseHeader> header;
    private final RequestIds ids;
    private final Duration waitForPrimary;
    private volatile Forwarder forwarder = Forwarder.none();

    /**
     * @param waitForPrimary how long a primary-only request waits for this member to become
     *     primary before it is forwarded (covers the election right after a start)
     */
    LeaseEndpoint(Lessor lessor, Proposer proposer, Supplier<ResponseHeader> header, RequestIds ids, Duration waitForPrimary) {
        this.lessor = lessor;
        this.proposer = proposer;
        this.header = header;
        this.ids = ids;
        this.waitForPrimary = waitForPrimary;
    }

    /** Closes the forwarder's connections. */
    @Override
    public void close() {
        if (forwarder instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                System.getLogger("lessor").log(System.Logger.Level.WARNING, "closing the lease forwarder failed: " + e);
            }
        }
    }

    /** Sets how requests that need the primary are served while this member is not. */
    void forwardWith(Forwarder forwarder) {
        this.forwarder = forwarder;
    }

    @Override
    public CompletableFuture<LeaseGrantResponse> grant(LeaseGrantRequest request) {
        LeaseGrantRequest withId = request;
        if (request.getID() == 0) {
            long id = 0;
            while (id == 0) {
                id = ids.next() & Long.MAX_VALUE; // positive IDs only, as etcd chooses them
            }
            withId = request.toBuilder().setID(id).build();
        }
        return proposer.propose(InternalRequest.newBuilder().setLeaseGrant(withId), GRANT_QUOTA_COST)
                .thenApply(LeaseGrantResponse.class::cast);
    }

    @Override
    public CompletableFuture<LeaseRevokeResponse> revoke(LeaseRevokeRequest request) {
        return proposer.propose(InternalRequest.newBuilder().setLeaseRevoke(request), 0).thenApply(LeaseRevokeResponse.class::cast);
    }

    /** Proposes the revoke of an expired lease (the lessor's {@link Lessor.Revoker}). */
    CompletableFuture<?> revokeExpired(long leaseId) {
        return revoke(LeaseRevokeRequest.newBuilder().setID(leaseId).build());
    }

    @Override
    public CompletableFuture<LeaseKeepAliveResponse> keepAlive(long leaseId) {
        // The header is taken before the renewal, so that its revision is never after a revoke
        // the client could otherwise think it survived.
        ResponseHeader before = header.get();
        return onPrimary(() -> lessor.renew(leaseId)
                .thenApply(ttl -> LeaseKeepAliveResponse.newBuilder().setHeader(before).setID(leaseId).setTTL(ttl).build())
                .exceptionallyCompose(failure -> {
                    if (isError(failure, EtcdError.LEASE_NOT_FOUND)) {
                        return CompletableFuture.completedFuture(
                                LeaseKeepAliveResponse.newBuilder().setHeader(before).setID(leaseId).setTTL(0).build());
                    }
                    return CompletableFuture.failedFuture(failure);
                }), () -> forwarder.keepAlive(leaseId));
    }

    @Override
    public CompletableFuture<LeaseTimeToLiveResponse> timeToLive(LeaseTimeToLiveRequest request) {
        return onPrimary(() -> CompletableFuture.completedFuture(lessor.timeToLive(request.getID(), request.getKeys())
                .map(ttl -> LeaseTimeToLiveResponse.newBuilder().setHeader(header.get()).setID(ttl.id())
                        .setTTL(ttl.remainingSeconds()).setGrantedTTL(ttl.grantedTtlSeconds()).addAllKeys(ttl.keys()).build())
                .orElseGet(() -> LeaseTimeToLiveResponse.newBuilder().setHeader(header.get()).setID(request.getID()).setTTL(-1).build())),
                () -> forwarder.timeToLive(request));
    }

    @Override
    public CompletableFuture<LeaseLeasesResponse> leases() {
        LeaseLeasesResponse.Builder response = LeaseLeasesResponse.newBuilder().setHeader(header.get());
        for (long id : lessor.leases()) {
            response.addLeases(LeaseStatus.newBuilder().setID(id));
        }
        return CompletableFuture.completedFuture(response.build());
    }

    /**
     * Runs {@code local} if this member is primary (waiting a little for it to become so),
     * else {@code forwarded}; a local answer of NOT_LEADER (demoted meanwhile) is forwarded too.
     */
    private <T> CompletableFuture<T> onPrimary(Supplier<CompletableFuture<T>> local, Supplier<CompletableFuture<T>> forwarded) {
        CompletableFuture<Void> primary = lessor.whenPrimary();
        if (!primary.isDone() && forwarder.canForward()) {
            return forwarded.get();
        }
        CompletableFuture<T> answer = primary.isDone()
                ? local.get()
                : primary.orTimeout(waitForPrimary.toMillis(), TimeUnit.MILLISECONDS).thenCompose(ready -> local.get());
        return answer.exceptionallyCompose(failure -> isError(failure, EtcdError.NOT_LEADER)
                || unwrap(failure) instanceof java.util.concurrent.TimeoutException
                ? forwarded.get()
                : CompletableFuture.failedFuture(failure));
    }

    private static boolean isError(Throwable failure, EtcdError error) {
        return unwrap(failure) instanceof EtcdException e && e.error() == error;
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
