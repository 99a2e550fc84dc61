package etcetera.server.errors;

/**
 * The gRPC status codes etcd's errors use, named exactly as gRPC names them, so that the API
 * layer maps them with {@code Status.Code.valueOf(code.name())} and the layers below need not
 * know gRPC.
 */
public enum StatusCode {
    CANCELLED,
    UNKNOWN,
    INVALID_ARGUMENT,
    DEADLINE_EXCEEDED,
    NOT_FOUND,
    ALREADY_EXISTS,
    PERMISSION_DENIED,
    RESOURCE_EXHAUSTED,
    FAILED_PRECONDITION,
    ABORTED,
    OUT_OF_RANGE,
    UNIMPLEMENTED,
    INTERNAL,
    UNAVAILABLE,
    DATA_LOSS,
    UNAUTHENTICATED
}
