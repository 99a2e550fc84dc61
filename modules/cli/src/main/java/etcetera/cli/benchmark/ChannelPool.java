package etcetera.cli.benchmark;

import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The {@code --conns} gRPC connections of one benchmark run. Connection {@code j} goes to
 * endpoint {@code j mod endpoints}; client {@code i} uses connection {@code i mod conns}, so
 * clients share connections round-robin as in etcd's tool. Immutable after construction;
 * channels are thread-safe.
 */
final class ChannelPool implements AutoCloseable {

    private final List<ManagedChannel> channels;

    ChannelPool(List<Endpoint> endpoints, int conns) {
        var opened = new ArrayList<ManagedChannel>(conns);
        for (int j = 0; j < conns; j++) {
            Endpoint endpoint = endpoints.get(j % endpoints.size());
            opened.add(NettyChannelBuilder.forAddress(endpoint.host(), endpoint.port())
                    .usePlaintext()
                    .maxInboundMessageSize(Integer.MAX_VALUE)
                    .build());
        }
        this.channels = List.copyOf(opened);
    }

    /**
     * Opens every connection before the clock starts, so that the first requests do not pay
     * for connection set-up. Gives up on a connection at its first failure or at the
     * deadline: the requests then fail and are reported like any other failure.
     */
    void connect(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (ManagedChannel channel : channels) {
            if (!awaitReady(channel, deadline)) {
                return;
            }
        }
    }

    private static boolean awaitReady(ManagedChannel channel, long deadline) {
        while (true) {
            ConnectivityState state = channel.getState(true);
            switch (state) {
                case READY -> {
                    return true;
                }
                case TRANSIENT_FAILURE, SHUTDOWN -> {
                    return false;
                }
                default -> {
                    var changed = new CountDownLatch(1);
                    channel.notifyWhenStateChanged(state, changed::countDown);
                    try {
                        long left = deadline - System.nanoTime();
                        if (left <= 0 || !changed.await(left, TimeUnit.NANOSECONDS)) {
                            return false;
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return false;
                    }
                }
            }
        }
    }

    ManagedChannel forClient(int client) {
        return channels.get(client % channels.size());
    }

    @Override
    public void close() {
        channels.forEach(ManagedChannel::shutdownNow);
        for (ManagedChannel channel : channels) {
            try {
                channel.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
