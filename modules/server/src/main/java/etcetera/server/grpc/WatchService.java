package etcetera.server.grpc;

import etcetera.server.watch.WatchHub;
import etcetera.wire.etcdserverpb.ResponseHeader;
import etcetera.wire.etcdserverpb.WatchGrpc;
import etcetera.wire.etcdserverpb.WatchRequest;
import etcetera.wire.etcdserverpb.WatchResponse;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongFunction;

/**
 * etcd's {@code etcdserverpb.Watch} service: each call is one {@link WatchStream} that
 * multiplexes any number of watchers of the {@link WatchHub}. Thread-safe; one instance may
 * serve several listeners.
 */
public final class WatchService extends WatchGrpc.WatchImplBase implements AutoCloseable {

    /** etcd lets a response exceed {@code --max-request-bytes} by this much before fragmenting. */
    private static final int GRPC_OVERHEAD_BYTES = 512 * 1024;
    /** etcd's floor for the progress notification interval. */
    private static final Duration MIN_PROGRESS_INTERVAL = Duration.ofMillis(100);

    private final WatchHub hub;
    private final LongFunction<ResponseHeader> headers;
    private final int fragmentBytes;
    private final Duration progressInterval;
    private final Executor sender;
    private final ScheduledExecutorService timers;
    private final Set<WatchStream> streams = ConcurrentHashMap.newKeySet();

    /**
     * @param headers this member's response header at a revision
     * @param maxRequestBytes {@code --max-request-bytes}: a fragmenting watcher's responses are
     *     split beyond it (plus etcd's gRPC allowance)
     * @param progressInterval between progress notifications
     *     ({@code --experimental-watch-progress-notify-interval}, at least 100 ms as in etcd)
     * @param sender runs the sending side of the streams (never blocks in it)
     * @param timers runs the progress notification ticks
     */
    public WatchService(WatchHub hub, LongFunction<ResponseHeader> headers, long maxRequestBytes, Duration progressInterval,
            Executor sender, ScheduledExecutorService timers) {
        this.hub = hub;
        this.headers = headers;
        this.fragmentBytes = (int) Math.min(Integer.MAX_VALUE, maxRequestBytes + GRPC_OVERHEAD_BYTES);
        this.progressInterval = progressInterval.compareTo(MIN_PROGRESS_INTERVAL) < 0 ? MIN_PROGRESS_INTERVAL : progressInterval;
        this.sender = sender;
        this.timers = timers;
    }

    @Override
    public StreamObserver<WatchRequest> watch(StreamObserver<WatchResponse> responses) {
        ServerCallStreamObserver<WatchResponse> out = (ServerCallStreamObserver<WatchResponse>) responses;
        WatchStream stream = new WatchStream(hub, out, headers, fragmentBytes, progressInterval, sender, timers, streams::remove);
        streams.add(stream);
        stream.start();
        return stream;
    }

    /** Ends every open stream (the server is stopping): clients see UNAVAILABLE and may reconnect elsewhere. */
    @Override
    public void close() {
        for (WatchStream stream : List.copyOf(streams)) {
            stream.end(Status.UNAVAILABLE.withDescription("etcdserver: server stopped"));
        }
    }
}
