package etcetera.storage.file;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A reference count that starts at one (the owner's reference) and, once it has dropped to
 * zero, can never be taken again — so a thread that loses the race with the last release
 * learns it and looks for the current object instead. Thread-safe.
 */
final class References {

    private final AtomicInteger count = new AtomicInteger(1);

    /** Takes a reference unless the count has already reached zero; false then. */
    boolean tryRetain() {
        while (true) {
            int n = count.get();
            if (n <= 0) {
                return false;
            }
            if (count.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** Gives a reference back; true if it was the last one, and the caller must free the object. */
    boolean release() {
        int n = count.decrementAndGet();
        if (n < 0) {
            throw new IllegalStateException("released more often than retained");
        }
        return n == 0;
    }
}
