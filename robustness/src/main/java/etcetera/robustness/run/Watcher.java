package etcetera.robustness.run;

import etcetera.robustness.history.WatchEvent;
import etcetera.robustness.history.WatchRecord;
import etcetera.robustness.history.WatchSegment;
import etcetera.wire.etcdserverpb.WatchCreateRequest;
import etcetera.wire.etcdserverpb.WatchGrpc;
import etcetera.wire.etcdserverpb.WatchRequest;
import etcetera.wire.etcdserverpb.WatchResponse;
import etcetera.wire.mvccpb.Event;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One watcher of the run's key prefix: keeps a watch stream open from the first revision of the
 * run, and whenever a stream ends (broken connection, cancellation) resumes on the next endpoint
 * from the revision after the last event it received, recording each stream as a
 * {@link WatchSegment}. Runs on its own virtual thread; gRPC callbacks append events under
 * this object's lock.
 */
final class Watcher {

    private final int id;
    private final String prefix;
    private final List<ManagedChannel> channels;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final List<SegmentBuilder> segments = new ArrayList<>();
    private long lastRevision;
    private String lastError = "";
    private Thread thread;

    private record SegmentBuilder(long start, List<WatchEvent> events) {}

    Watcher(int id, String prefix, List<ManagedChannel> channels, long startRevision) {
        this.id = id;
        this.prefix = prefix;
        this.channels = channels;
        this.lastRevision = startRevision - 1;
    }

    void start() {
        thread = Thread.ofVirtual().name("watcher-" + id).start(this::run);
    }

    private void run() {
        int endpoint = id % channels.size();
        while (stop.getCount() > 0) {
            CountDownLatch ended = new CountDownLatch(1);
            long from;
            synchronized (this) {
                from = lastRevision + 1;
                segments.add(new SegmentBuilder(from, new ArrayList<>()));
            }
            SegmentBuilder segment = segments.getLast();
            StreamObserver<WatchRequest> requests = WatchGrpc.newStub(channels.get(endpoint)).watch(new StreamObserver<>() {
                @Override
                public void onNext(WatchResponse response) {
                    synchronized (Watcher.this) {
                        for (Event e : response.getEventsList()) {
                            boolean put = e.getType() == Event.EventType.PUT;
                            segment.events().add(new WatchEvent(put ? WatchEvent.Type.PUT : WatchEvent.Type.DELETE,
                                    e.getKv().getKey().toString(StandardCharsets.UTF_8),
                                    put ? Optional.of(e.getKv().getValue().toString(StandardCharsets.UTF_8)) : Optional.empty(),
                                    e.getKv().getModRevision()));
                            lastRevision = Math.max(lastRevision, e.getKv().getModRevision());
                        }
                        Watcher.this.notifyAll();
                    }
                    if (response.getCanceled()) {
                        lastError = "canceled: " + response.getCancelReason();
                        ended.countDown();
                    }
                }

                @Override
                public void onError(Throwable t) {
                    lastError = t.toString();
                    if (io.grpc.Status.fromThrowable(t).getCode() == io.grpc.Status.Code.UNIMPLEMENTED) {
                        // The server has no Watch service: resuming would only repeat the error.
                        stop.countDown();
                    }
                    ended.countDown();
                }

                @Override
                public void onCompleted() {
                    ended.countDown();
                }
            });
            requests.onNext(WatchRequest.newBuilder().setCreateRequest(WatchCreateRequest.newBuilder()
                    .setKey(KvClient.bytes(prefix)).setRangeEnd(KvClient.bytes(prefixEnd(prefix))).setStartRevision(from)).build());
            try {
                while (stop.getCount() > 0 && !ended.await(100, TimeUnit.MILLISECONDS)) {
                    // keep the stream until it ends or the run stops
                }
                if (ended.getCount() == 0) {
                    // Back off a little before resuming elsewhere, without outliving a stop.
                    stop.await(200, TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                try {
                    requests.onCompleted();
                } catch (RuntimeException ignored) {
                    // the stream is already gone
                }
            }
            endpoint = (endpoint + 1) % channels.size();
        }
    }

    /** Waits until this watcher has received an event at or past {@code revision}; false at the deadline. */
    synchronized boolean awaitRevision(long revision, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (lastRevision < revision) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    WatchRecord stop() throws InterruptedException {
        stop.countDown();
        thread.join(Duration.ofSeconds(10));
        synchronized (this) {
            return new WatchRecord(id, prefix, true, segments.stream().map(s -> new WatchSegment(s.start(), s.events())).toList());
        }
    }

    String lastError() {
        return lastError;
    }

    static String prefixEnd(String prefix) {
        char last = prefix.charAt(prefix.length() - 1);
        return prefix.substring(0, prefix.length() - 1) + (char) (last + 1);
    }
}
