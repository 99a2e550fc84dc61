package etcetera.server.transport;

import etcetera.raft.Message;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A {@link RaftInbound} that records what the transport delivers, for tests to wait on. */
final class RecordingInbound implements RaftInbound {

    record ReceivedSnapshot(Message.InstallSnapshot message, Path image) {
    }

    record SnapshotReport(long memberId, boolean success) {
    }

    final BlockingQueue<Message> messages = new LinkedBlockingQueue<>();
    final BlockingQueue<ReceivedSnapshot> snapshots = new LinkedBlockingQueue<>();
    final BlockingQueue<SnapshotReport> snapshotReports = new LinkedBlockingQueue<>();
    final Set<Long> unreachable = ConcurrentHashMap.newKeySet();
    final Set<Long> removed = ConcurrentHashMap.newKeySet();

    @Override
    public void receive(Message message) {
        messages.add(message);
    }

    @Override
    public void receiveSnapshot(Message.InstallSnapshot message, Path backendImage) {
        snapshots.add(new ReceivedSnapshot(message, backendImage));
    }

    @Override
    public void reportUnreachable(long memberId) {
        unreachable.add(memberId);
    }

    @Override
    public void reportSnapshot(long memberId, boolean success) {
        snapshotReports.add(new SnapshotReport(memberId, success));
    }

    @Override
    public boolean isRemoved(long memberId) {
        return removed.contains(memberId);
    }

    /** The next {@code count} messages, failing if they do not all arrive within {@code timeout}. */
    List<Message> take(int count, Duration timeout) throws InterruptedException {
        List<Message> out = new ArrayList<>(count);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (out.size() < count) {
            Message message = messages.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (message == null) {
                throw new AssertionError("only " + out.size() + " of " + count + " messages arrived within " + timeout);
            }
            out.add(message);
        }
        return out;
    }
}
