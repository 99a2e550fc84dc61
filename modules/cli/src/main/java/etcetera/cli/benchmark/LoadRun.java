package etcetera.cli.benchmark;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;

/**
 * Drives one benchmark: {@code clients} threads take request numbers from a shared counter
 * until {@code total} have been issued, each timing its own requests into its own histogram
 * (no sharing on the hot path); the histograms are merged once every thread has finished.
 * Failed requests are counted by message and kept out of the latency figures, as etcd's
 * tool does.
 */
final class LoadRun {

    private final ChannelPool channels;
    private final int clients;
    private final long total;
    private final Duration requestTimeout;

    LoadRun(ChannelPool channels, int clients, long total, Duration requestTimeout) {
        this.channels = channels;
        this.clients = clients;
        this.total = total;
        this.requestTimeout = requestTimeout;
    }

    Summary run(String command, Workload workload) {
        var next = new AtomicLong();
        var errors = new ConcurrentHashMap<String, LongAdder>();
        var firstError = new AtomicReference<String>();
        var histograms = new ArrayList<Histogram>(clients);
        var threads = new ArrayList<Thread>(clients);

        long start = System.nanoTime();
        for (int i = 0; i < clients; i++) {
            var histogram = new Histogram(3);
            histograms.add(histogram);
            Channel channel = withDeadline(channels.forClient(i));
            threads.add(Thread.ofVirtual().name("benchmark-client-" + i).start(() -> {
                Workload.Client client = workload.client(channel);
                for (long seq = next.getAndIncrement(); seq < total; seq = next.getAndIncrement()) {
                    long sent = System.nanoTime();
                    try {
                        client.issue(seq);
                        histogram.recordValue(System.nanoTime() - sent);
                    } catch (RuntimeException | Error e) {
                        // counted, never lost: a thread dying here would shrink the totals silently
                        String message = describe(e);
                        firstError.compareAndSet(null, message);
                        errors.computeIfAbsent(message, m -> new LongAdder()).increment();
                    }
                }
            }));
        }
        for (Thread thread : threads) {
            joinUninterruptibly(thread);
        }
        long elapsed = System.nanoTime() - start;

        var merged = new Histogram(3);
        histograms.forEach(merged::add);
        Map<String, Long> distribution = new TreeMap<>();
        errors.forEach((message, count) -> distribution.put(message, count.sum()));
        return Summary.of(command, merged, elapsed, distribution, firstError.get());
    }

    /** Each call gets its own deadline, so a stalled server fails the run instead of hanging it. */
    private Channel withDeadline(Channel channel) {
        long timeoutNanos = requestTimeout.toNanos();
        return ClientInterceptors.intercept(channel, new ClientInterceptor() {
            @Override
            public <Q, R> ClientCall<Q, R> interceptCall(
                    MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
                return next.newCall(method, options.withDeadlineAfter(timeoutNanos, TimeUnit.NANOSECONDS));
            }
        });
    }

    /**
     * Shapes a gRPC failure as etcd's Go tools print it ({@code rpc error: code = Unavailable
     * desc = ...}), plus its local cause if any; anything else is a bug worth its class name.
     */
    static String describe(Throwable e) {
        if (!(e instanceof StatusRuntimeException failure)) {
            return e.toString();
        }
        var status = failure.getStatus();
        var text = new StringBuilder("rpc error: code = ").append(goCodeName(status.getCode()))
                .append(" desc = ").append(status.getDescription() == null ? "" : status.getDescription());
        if (status.getCause() != null) {
            text.append(" (").append(status.getCause()).append(')');
        }
        return text.toString();
    }

    /** DEADLINE_EXCEEDED becomes DeadlineExceeded, as Go's codes.Code prints it. */
    private static String goCodeName(Status.Code code) {
        var name = new StringBuilder();
        for (String word : code.name().split("_")) {
            name.append(word.charAt(0)).append(word.substring(1).toLowerCase(Locale.ROOT));
        }
        return name.toString();
    }

    private static void joinUninterruptibly(Thread thread) {
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
