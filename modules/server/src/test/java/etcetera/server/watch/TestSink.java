package etcetera.server.watch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * A sink with a buffer of {@code capacity} updates that the test takes from when it wants,
 * standing for a client that reads slowly. Thread-safe (hub thread offers, test thread takes).
 */
final class TestSink implements WatchSink {

    private final int capacity;
    private final List<WatchUpdate> buffer = new ArrayList<>();
    private final List<WatchUpdate> taken = new ArrayList<>();
    private final WatchHub hub;

    TestSink(WatchHub hub, int capacity) {
        this.hub = hub;
        this.capacity = capacity;
    }

    @Override
    public synchronized boolean offer(WatchUpdate update) {
        if (!(update instanceof WatchUpdate.StreamProgress) && buffer.size() >= capacity) {
            return false;
        }
        buffer.add(update);
        notifyAll();
        return true;
    }

    @Override
    public synchronized boolean hasRoom() {
        return buffer.size() < capacity;
    }

    /** Takes everything buffered (the client reads) and tells the hub there is room. */
    synchronized List<WatchUpdate> takeAll() {
        List<WatchUpdate> now = List.copyOf(buffer);
        taken.addAll(now);
        buffer.clear();
        hub.wake();
        return now;
    }

    /** Everything taken so far. */
    synchronized List<WatchUpdate> taken() {
        return List.copyOf(taken);
    }

    /** Takes updates until everything taken satisfies {@code done}, or fails after {@code timeout}. */
    List<WatchUpdate> takeUntil(Predicate<List<WatchUpdate>> done, Duration timeout) throws TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (true) {
                takeAll();
                if (done.test(taken)) {
                    return List.copyOf(taken);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new TimeoutException("sink got " + taken);
                }
                wait(Math.max(1, Math.min(20, left / 1_000_000)));
            }
        }
    }
}
