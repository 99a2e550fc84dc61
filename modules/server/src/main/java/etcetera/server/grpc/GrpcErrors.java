package etcetera.server.grpc;

import etcetera.server.errors.EtcdException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Maps server errors to gRPC statuses, once, at the API edge: an {@link EtcdException} becomes
 * its etcd status code and exact message; anything else is an internal error, logged.
 */
final class GrpcErrors {

    private static final Logger LOG = System.getLogger("etcdserver/api/v3rpc");

    private GrpcErrors() {
    }

    static StatusRuntimeException toStatus(Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof EtcdException etcd) {
            return Status.fromCode(Status.Code.valueOf(etcd.error().code().name()))
                    .withDescription(etcd.error().message())
                    .asRuntimeException();
        }
        if (cause instanceof StatusRuntimeException status) {
            return status;
        }
        LOG.log(Level.ERROR, "request failed with an unexpected error: " + cause, cause);
        return Status.INTERNAL.withDescription(String.valueOf(cause.getMessage())).withCause(cause).asRuntimeException();
    }

    static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** Answers {@code observer} with the future's outcome. */
    static <T> void reply(CompletableFuture<T> result, StreamObserver<T> observer) {
        result.whenComplete((response, failure) -> {
            if (failure != null) {
                observer.onError(toStatus(failure));
            } else {
                observer.onNext(response);
                observer.onCompleted();
            }
        });
    }

    /** Runs a synchronous call and answers {@code observer} with its result or error. */
    static <T> void call(java.util.function.Supplier<T> call, StreamObserver<T> observer) {
        T response;
        try {
            response = call.get();
        } catch (RuntimeException e) {
            observer.onError(toStatus(e));
            return;
        }
        observer.onNext(response);
        observer.onCompleted();
    }
}
