package etcetera.robustness.history;

import java.util.Optional;

/**
 * One recorded operation: which client issued which request, when it was invoked and when it
 * completed ({@link System#nanoTime()} of the recording JVM, so comparable within one history),
 * and its outcome. For an {@link Outcome.Unknown} outcome {@code completedNanos} is when the
 * client gave up; the checkers treat the operation as possibly still in flight forever.
 */
public record Operation(long id, int client, Request request, long invokedNanos, long completedNanos, Outcome outcome) {

    public Operation {
        if (completedNanos < invokedNanos) {
            throw new IllegalArgumentException("operation " + id + " completes before it is invoked");
        }
    }

    public String key() {
        return request.key();
    }

    public boolean isOk() {
        return outcome instanceof Outcome.Ok;
    }

    public boolean isUnknown() {
        return outcome instanceof Outcome.Unknown;
    }

    /** The response of a successful operation. */
    public Optional<Response> response() {
        return outcome instanceof Outcome.Ok(Response response) ? Optional.of(response) : Optional.empty();
    }

    /**
     * The revision this operation created if it is an acknowledged write that changed the store
     * (a put, a delete that deleted something, a compare-and-swap that succeeded); empty otherwise.
     */
    public Optional<Long> writeRevision() {
        if (!(outcome instanceof Outcome.Ok(Response r))) {
            return Optional.empty();
        }
        return switch (request) {
            case Request.Put p -> Optional.of(r.revision());
            case Request.Delete d -> r.deleted() > 0 ? Optional.of(r.revision()) : Optional.empty();
            case Request.Cas c -> r.succeeded() ? Optional.of(r.revision()) : Optional.empty();
            case Request.Get g -> Optional.empty();
        };
    }

    /** The value this operation writes if it takes effect (puts and compare-and-swaps). */
    public Optional<String> writtenValue() {
        return switch (request) {
            case Request.Put p -> Optional.of(p.value());
            case Request.Cas c -> Optional.of(c.value());
            default -> Optional.empty();
        };
    }

    @Override
    public String toString() {
        return Describe.operation(this);
    }
}
