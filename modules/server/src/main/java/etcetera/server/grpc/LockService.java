package etcetera.server.grpc;

import etcetera.server.concurrency.Locks;
import etcetera.wire.v3lockpb.LockGrpc;
import etcetera.wire.v3lockpb.LockRequest;
import etcetera.wire.v3lockpb.LockResponse;
import etcetera.wire.v3lockpb.UnlockRequest;
import etcetera.wire.v3lockpb.UnlockResponse;
import io.grpc.Context;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;

/**
 * etcd's {@code v3lockpb.Lock} service. A Lock call the client cancels (or whose deadline
 * passes) stops waiting and withdraws its key. Stateless; called on gRPC's threads.
 */
public final class LockService extends LockGrpc.LockImplBase {

    private final Locks locks;

    public LockService(Locks locks) {
        this.locks = locks;
    }

    @Override
    public void lock(LockRequest request, StreamObserver<LockResponse> observer) {
        GrpcErrors.reply(cancelledWithCall(locks.lock(request)), observer);
    }

    @Override
    public void unlock(UnlockRequest request, StreamObserver<UnlockResponse> observer) {
        GrpcErrors.reply(locks.unlock(request), observer);
    }

    /** Cancels {@code waiting} when the current call is cancelled. */
    static <T> CompletableFuture<T> cancelledWithCall(CompletableFuture<T> waiting) {
        Context.current().addListener(context -> waiting.cancel(false), Runnable::run);
        return waiting;
    }
}
