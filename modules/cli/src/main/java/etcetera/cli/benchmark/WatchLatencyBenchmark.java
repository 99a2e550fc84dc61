package etcetera.cli.benchmark;

import com.google.protobuf.ByteString;
import etcetera.wire.etcdserverpb.KVGrpc;
import etcetera.wire.etcdserverpb.PutRequest;
import etcetera.wire.etcdserverpb.WatchCreateRequest;
import etcetera.wire.etcdserverpb.WatchGrpc;
import etcetera.wire.etcdserverpb.WatchRequest;
import etcetera.wire.etcdserverpb.WatchResponse;
import etcetera.wire.mvccpb.Event;
import io.grpc.stub.StreamObserver;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code benchmark watch-latency}: how long a change takes to reach its watchers. Opens
 * {@code --watchers} watchers over {@code --streams} watch streams (spread round-robin over the
 * {@code --conns} connections); watcher {@code i} watches key {@code i mod --keys}. Once every
 * watcher is created, one writer puts {@code --put-total} values at {@code --put-rate} per
 * second, cycling over the keys; each value carries the writer's send time, and each event's
 * latency is its receive time minus that send time (one clock: the same process). The summary
 * counts events: with {@code --keys 1} every put reaches every watcher.
 *
 * <p>Threads: the calling thread writes; gRPC's threads receive, each stream timing into its own
 * histogram (a stream's responses arrive one at a time); the histograms are merged at the end.
 */
@Command(name = "watch-latency", mixinStandardHelpOptions = true, description = "Benchmark watch event latency.")
final class WatchLatencyBenchmark implements Callable<Integer> {

    @ParentCommand
    private BenchmarkCommand benchmark;

    @Spec
    private CommandSpec spec;

    @Option(names = "--watchers", defaultValue = "100", description = "Total number of watchers. Default: ${DEFAULT-VALUE}.")
    private int watchers;

    @Option(names = "--keys", defaultValue = "1", description = "Number of keys the watchers are spread over. Default: ${DEFAULT-VALUE}.")
    private int keys;

    @Option(names = "--streams", defaultValue = "10", description = "Number of watch streams. Default: ${DEFAULT-VALUE}.")
    private int streams;

    @Option(names = {"--put-total", "--total"}, defaultValue = "100", description = "Number of puts. Default: ${DEFAULT-VALUE}.")
    private int putTotal;

    @Option(names = "--put-rate", defaultValue = "100", description = "Puts per second. Default: ${DEFAULT-VALUE}.")
    private int putRate;

    @Option(names = "--val-size", defaultValue = "32", description = "Value size of the puts (at least 8). Default: ${DEFAULT-VALUE}.")
    private int valSize;

    @Option(names = "--prevkv", description = "Watch with prev_kv.")
    private boolean prevKv;

    /** One watch stream's receiving side. */
    private static final class Stream implements StreamObserver<WatchResponse> {
        final Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        final CountDownLatch created;
        final AtomicLong received;
        final AtomicReference<String> error;
        StreamObserver<WatchRequest> requests;

        Stream(CountDownLatch created, AtomicLong received, AtomicReference<String> error) {
            this.created = created;
            this.received = received;
            this.error = error;
        }

        @Override
        public void onNext(WatchResponse response) {
            long now = System.nanoTime();
            if (response.getCreated()) {
                if (response.getCanceled()) {
                    error.compareAndSet(null, "watch refused: " + response.getCancelReason());
                }
                created.countDown();
                return;
            }
            if (response.getCanceled()) {
                error.compareAndSet(null, "watch canceled: compact revision " + response.getCompactRevision());
            }
            for (Event event : response.getEventsList()) {
                ByteString value = event.getKv().getValue();
                if (value.size() >= Long.BYTES) {
                    latency.recordValue(Math.max(0, now - value.asReadOnlyByteBuffer().getLong()));
                }
            }
            received.addAndGet(response.getEventsCount());
        }

        @Override
        public void onError(Throwable t) {
            error.compareAndSet(null, String.valueOf(t.getMessage()));
        }

        @Override
        public void onCompleted() {
        }
    }

    @Override
    public Integer call() {
        if (watchers < 1 || keys < 1 || streams < 1 || putTotal < 1 || putRate < 1 || valSize < Long.BYTES) {
            throw new ParameterException(spec.commandLine(),
                    "--watchers, --keys, --streams, --put-total and --put-rate must be at least 1, --val-size at least 8");
        }
        long expected = 0;
        for (int p = 0; p < putTotal; p++) {
            expected += watchersOf(p % keys);
        }
        long events = expected;
        return benchmark.executeOwn(spec, events, pool -> run(pool, events));
    }

    /** How many watchers watch key number {@code key}. */
    private long watchersOf(int key) {
        return watchers / keys + (key < watchers % keys ? 1 : 0);
    }

    private static ByteString key(int number) {
        return ByteString.copyFromUtf8("watch-latency/" + number);
    }

    private Summary run(ChannelPool pool, long expected) {
        CountDownLatch created = new CountDownLatch(watchers);
        AtomicLong received = new AtomicLong();
        AtomicReference<String> error = new AtomicReference<>();
        List<Stream> opened = new ArrayList<>();
        for (int s = 0; s < streams; s++) {
            Stream stream = new Stream(created, received, error);
            stream.requests = WatchGrpc.newStub(pool.forClient(s)).watch(stream);
            opened.add(stream);
        }
        for (int w = 0; w < watchers; w++) {
            Stream stream = opened.get(w % streams);
            synchronized (stream) {
                stream.requests.onNext(WatchRequest.newBuilder().setCreateRequest(WatchCreateRequest.newBuilder()
                        .setKey(key(w % keys)).setPrevKv(prevKv)).build());
            }
        }
        Map<String, Long> errors = new TreeMap<>();
        long timeoutNanos = benchmark.requestTimeout().toNanos();
        try {
            if (!created.await(timeoutNanos, TimeUnit.NANOSECONDS) || error.get() != null) {
                errors.put(error.get() != null ? error.get() : "watchers not created in time", 1L);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long started = System.nanoTime();
        if (errors.isEmpty()) {
            put(pool, errors);
            long deadline = System.nanoTime() + timeoutNanos;
            while (received.get() < expected && error.get() == null && System.nanoTime() < deadline) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
            if (received.get() < expected) {
                errors.merge(error.get() != null ? error.get() : "events missing at the deadline", expected - received.get(), Long::sum);
            }
        }
        long elapsed = System.nanoTime() - started;
        for (Stream stream : opened) {
            synchronized (stream) {
                stream.requests.onCompleted();
            }
        }
        Histogram all = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        for (Stream stream : opened) {
            synchronized (stream) {
                all.add(stream.latency);
            }
        }
        return Summary.of("watch-latency", all, elapsed, errors, errors.isEmpty() ? null : errors.keySet().iterator().next());
    }

    /** The writer: puts at the configured rate, each value starting with its send time. */
    private void put(ChannelPool pool, Map<String, Long> errors) {
        KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(pool.forClient(0));
        long interval = TimeUnit.SECONDS.toNanos(1) / putRate;
        long next = System.nanoTime();
        byte[] value = new byte[valSize];
        for (int p = 0; p < putTotal; p++) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            next += interval;
            long sent = System.nanoTime();
            ByteBuffer.wrap(value).putLong(sent);
            try {
                kv.withDeadlineAfter(benchmark.requestTimeout().toNanos(), TimeUnit.NANOSECONDS)
                        .put(PutRequest.newBuilder().setKey(key(p % keys)).setValue(ByteString.copyFrom(value)).build());
            } catch (RuntimeException e) {
                errors.merge("put failed: " + e.getMessage(), 1L, Long::sum);
            }
        }
    }
}
