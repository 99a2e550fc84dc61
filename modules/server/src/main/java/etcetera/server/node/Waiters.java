package etcetera.server.node;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The requests waiting for their proposal to be applied, by request id. Registered from the
 * request threads, triggered from the apply thread; thread-safe.
 */
final class Waiters {

    private final ConcurrentMap<Long, CompletableFuture<Object>> waiting = new ConcurrentHashMap<>();

    CompletableFuture<Object> register(long requestId) {
        CompletableFuture<Object> future = new CompletableFuture<>();
        if (waiting.putIfAbsent(requestId, future) != null) {
            throw new IllegalStateException("duplicate request id " + Long.toHexString(requestId));
        }
        return future;
    }

    void trigger(StateMachine.Outcome outcome) {
        if (outcome.requestId() == 0) {
            return;
        }
        CompletableFuture<Object> future = waiting.remove(outcome.requestId());
        if (future == null) {
            return;
        }
        if (outcome.error() != null) {
            future.completeExceptionally(outcome.error());
        } else {
            future.complete(outcome.response());
        }
    }

    void cancel(long requestId, RuntimeException reason) {
        CompletableFuture<Object> future = waiting.remove(requestId);
        if (future != null) {
            future.completeExceptionally(reason);
        }
    }

    void failAll(RuntimeException reason) {
        for (Long id : waiting.keySet()) {
            cancel(id, reason);
        }
    }
}
