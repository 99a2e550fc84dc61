package etcetera.server.grpc;

import etcetera.server.concurrency.Elections;
import etcetera.wire.v3electionpb.CampaignRequest;
import etcetera.wire.v3electionpb.CampaignResponse;
import etcetera.wire.v3electionpb.ElectionGrpc;
import etcetera.wire.v3electionpb.LeaderRequest;
import etcetera.wire.v3electionpb.LeaderResponse;
import etcetera.wire.v3electionpb.ProclaimRequest;
import etcetera.wire.v3electionpb.ProclaimResponse;
import etcetera.wire.v3electionpb.ResignRequest;
import etcetera.wire.v3electionpb.ResignResponse;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;

/**
 * etcd's {@code v3electionpb.Election} service. A Campaign the client cancels withdraws its
 * candidate; an Observe stream lasts until the client cancels it. Stateless; called on gRPC's
 * threads.
 */
public final class ElectionService extends ElectionGrpc.ElectionImplBase {

    private final Elections elections;

    public ElectionService(Elections elections) {
        this.elections = elections;
    }

    @Override
    public void campaign(CampaignRequest request, StreamObserver<CampaignResponse> observer) {
        GrpcErrors.reply(LockService.cancelledWithCall(elections.campaign(request)), observer);
    }

    @Override
    public void proclaim(ProclaimRequest request, StreamObserver<ProclaimResponse> observer) {
        GrpcErrors.reply(elections.proclaim(request), observer);
    }

    @Override
    public void leader(LeaderRequest request, StreamObserver<LeaderResponse> observer) {
        GrpcErrors.reply(elections.leader(request), observer);
    }

    @Override
    public void resign(ResignRequest request, StreamObserver<ResignResponse> observer) {
        GrpcErrors.reply(elections.resign(request), observer);
    }

    @Override
    public void observe(LeaderRequest request, StreamObserver<LeaderResponse> observer) {
        ServerCallStreamObserver<LeaderResponse> stream = (ServerCallStreamObserver<LeaderResponse>) observer;
        CompletableFuture<Void> cancelled = new CompletableFuture<>();
        stream.setOnCancelHandler(() -> cancelled.complete(null)); // only allowed before this method returns
        Object sending = new Object();
        CompletableFuture<Void> observation = elections.observe(request, leader -> {
            synchronized (sending) {
                if (!stream.isCancelled()) {
                    stream.onNext(leader);
                }
            }
        });
        cancelled.thenRun(() -> observation.cancel(false));
        observation.whenComplete((done, failure) -> {
            synchronized (sending) {
                if (failure != null && !(failure instanceof CancellationException) && !stream.isCancelled()) {
                    stream.onError(GrpcErrors.toStatus(failure));
                }
            }
        });
    }
}
