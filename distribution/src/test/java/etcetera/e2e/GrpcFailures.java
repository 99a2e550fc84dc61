package etcetera.e2e;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.grpc.StatusRuntimeException;
import java.util.concurrent.ExecutionException;

/** The gRPC status a client call failed with, found under the client library's wrappers. */
final class GrpcFailures {

    private GrpcFailures() {
    }

    static StatusRuntimeException status(ExecutionException e) {
        Throwable cause = e.getCause();
        while (cause != null && !(cause instanceof StatusRuntimeException)) {
            cause = cause.getCause();
        }
        return assertInstanceOf(StatusRuntimeException.class, cause, String.valueOf(e));
    }
}
