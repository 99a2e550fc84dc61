package etcetera.server.grpc;

import etcetera.wire.etcdserverpb.LeaseGrantRequest;
import etcetera.wire.etcdserverpb.LeaseGrantResponse;
import etcetera.wire.etcdserverpb.LeaseGrpc;
import etcetera.wire.etcdserverpb.LeaseKeepAliveRequest;
import etcetera.wire.etcdserverpb.LeaseKeepAliveResponse;
import etcetera.wire.etcdserverpb.LeaseLeasesRequest;
import etcetera.wire.etcdserverpb.LeaseLeasesResponse;
import etcetera.wire.etcdserverpb.LeaseRevokeRequest;
import etcetera.wire.etcdserverpb.LeaseRevokeResponse;
import etcetera.wire.etcdserverpb.LeaseTimeToLiveRequest;
import etcetera.wire.etcdserverpb.LeaseTimeToLiveResponse;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;

/**
 * etcd's {@code etcdserverpb.Lease} service. Stateless apart from each keep-alive stream's
 * answer chain; called on gRPC's executor threads.
 */
public final class LeaseService extends LeaseGrpc.LeaseImplBase {

    private final LeaseApi leases;

    public LeaseService(LeaseApi leases) {
        this.leases = leases;
    }

    @Override
    public void leaseGrant(LeaseGrantRequest request, StreamObserver<LeaseGrantResponse> observer) {
        GrpcErrors.reply(leases.grant(request), observer);
    }

    @Override
    public void leaseRevoke(LeaseRevokeRequest request, StreamObserver<LeaseRevokeResponse> observer) {
        GrpcErrors.reply(leases.revoke(request), observer);
    }

    @Override
    public void leaseTimeToLive(LeaseTimeToLiveRequest request, StreamObserver<LeaseTimeToLiveResponse> observer) {
        GrpcErrors.reply(leases.timeToLive(request), observer);
    }

    @Override
    public void leaseLeases(LeaseLeasesRequest request, StreamObserver<LeaseLeasesResponse> observer) {
        GrpcErrors.reply(leases.leases(), observer);
    }

    @Override
    public StreamObserver<LeaseKeepAliveRequest> leaseKeepAlive(StreamObserver<LeaseKeepAliveResponse> responses) {
        return new KeepAliveStream(responses);
    }

    /**
     * One client's keep-alive stream: answers in request order (an answer that waits, for a
     * lease being revoked, holds back the ones after it); the first failure ends the stream.
     * gRPC delivers a stream's requests one at a time; the answer chain is guarded by this.
     */
    private final class KeepAliveStream implements StreamObserver<LeaseKeepAliveRequest> {

        private final StreamObserver<LeaseKeepAliveResponse> responses;
        private CompletableFuture<Void> answered = CompletableFuture.completedFuture(null);
        private boolean ended;

        KeepAliveStream(StreamObserver<LeaseKeepAliveResponse> responses) {
            this.responses = responses;
        }

        @Override
        public synchronized void onNext(LeaseKeepAliveRequest request) {
            if (ended) {
                return;
            }
            CompletableFuture<LeaseKeepAliveResponse> answer = leases.keepAlive(request.getID());
            answered = answered.thenCombine(answer, (previous, response) -> response).handle((response, failure) -> {
                send(response, failure);
                return null;
            });
        }

        private synchronized void send(LeaseKeepAliveResponse response, Throwable failure) {
            if (ended) {
                return;
            }
            try {
                if (failure != null) {
                    ended = true;
                    responses.onError(GrpcErrors.toStatus(failure));
                } else {
                    responses.onNext(response);
                }
            } catch (RuntimeException e) {
                ended = true; // the call was cancelled under us
            }
        }

        @Override
        public synchronized void onError(Throwable t) {
            ended = true;
        }

        @Override
        public synchronized void onCompleted() {
            answered.whenComplete((ok, failure) -> finish());
        }

        private synchronized void finish() {
            if (!ended) {
                ended = true;
                try {
                    responses.onCompleted();
                } catch (RuntimeException e) {
                    // cancelled under us: nothing to tell
                }
            }
        }
    }
}
