package etcetera.server;

import etcetera.server.errors.EtcdError;
import etcetera.wire.etcdserverpb.LeaseGrpc;
import etcetera.wire.etcdserverpb.LeaseKeepAliveRequest;
import etcetera.wire.etcdserverpb.LeaseKeepAliveResponse;
import etcetera.wire.etcdserverpb.LeaseTimeToLiveRequest;
import etcetera.wire.etcdserverpb.LeaseTimeToLiveResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;

/**
 * Serves a follower's keep-alives and TTL queries by asking the leader, whose lessor alone
 * keeps lease expiries (etcd forwards them over the peer URL; we call the leader's Lease
 * service on its first client URL, plain gRPC). One channel per leader URL, kept for reuse.
 * Thread-safe.
 */
final class LeaderLeases implements LeaseEndpoint.Forwarder, AutoCloseable {

    private final long self;
    private final LongSupplier leader;
    private final LongFunction<List<String>> clientUrls;
    private final Duration timeout;
    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();

    /**
     * @param leader the current leader's member ID, 0 if none
     * @param clientUrls a member's advertised client URLs (empty if unknown)
     */
    LeaderLeases(long self, LongSupplier leader, LongFunction<List<String>> clientUrls, Duration timeout) {
        this.self = self;
        this.leader = leader;
        this.clientUrls = clientUrls;
        this.timeout = timeout;
    }

    @Override
    public boolean canForward() {
        long id = leader.getAsLong();
        return id != 0 && id != self && !clientUrls.apply(id).isEmpty();
    }

    @Override
    public CompletableFuture<LeaseKeepAliveResponse> keepAlive(long leaseId) {
        LeaseGrpc.LeaseStub stub;
        try {
            stub = stub();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        FirstAnswer<LeaseKeepAliveResponse> answer = new FirstAnswer<>();
        StreamObserver<LeaseKeepAliveRequest> stream = stub.leaseKeepAlive(answer);
        stream.onNext(LeaseKeepAliveRequest.newBuilder().setID(leaseId).build());
        return answer.future.whenComplete((response, failure) -> stream.onCompleted());
    }

    @Override
    public CompletableFuture<LeaseTimeToLiveResponse> timeToLive(LeaseTimeToLiveRequest request) {
        FirstAnswer<LeaseTimeToLiveResponse> answer = new FirstAnswer<>();
        try {
            stub().leaseTimeToLive(request, answer);
        } catch (RuntimeException e) {
            answer.future.completeExceptionally(e);
        }
        return answer.future;
    }

    /** Completes {@link #future} with a call's first answer; a call that ends without one failed (the leader went away). */
    private static final class FirstAnswer<T> implements StreamObserver<T> {

        final CompletableFuture<T> future = new CompletableFuture<>();

        @Override
        public void onNext(T value) {
            future.complete(value);
        }

        @Override
        public void onError(Throwable failure) {
            future.completeExceptionally(failure);
        }

        @Override
        public void onCompleted() {
            future.completeExceptionally(EtcdError.LEADER_CHANGED.exception());
        }
    }

    /** A stub on the leader's channel, with this forward's deadline; NO_LEADER if there is none to ask. */
    private LeaseGrpc.LeaseStub stub() {
        long id = leader.getAsLong();
        List<String> urls = id == 0 || id == self ? List.of() : clientUrls.apply(id);
        if (urls.isEmpty()) {
            throw EtcdError.NO_LEADER.exception();
        }
        URI url = URI.create(urls.getFirst());
        ManagedChannel channel = channels.computeIfAbsent(url.getHost() + ":" + url.getPort(),
                target -> NettyChannelBuilder.forTarget(target).usePlaintext().build());
        return LeaseGrpc.newStub(channel).withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        channels.values().forEach(ManagedChannel::shutdownNow);
    }
}
