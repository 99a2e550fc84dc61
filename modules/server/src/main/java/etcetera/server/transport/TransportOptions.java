package etcetera.server.transport;

import io.netty.channel.Channel;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything {@link NettyRaftTransport} is configured with, built once by the caller.
 *
 * @param localId this member's ID (the sender of every stream it dials)
 * @param clusterId the cluster's ID; a peer of another cluster is refused
 * @param snapshotDir where received backend images are written (e.g. {@code <data-dir>/member/snap})
 * @param dialTimeout how long a connection attempt, and the peer's answer to the handshake, may take
 * @param queueSize how many messages may wait per peer; beyond it messages are dropped and the
 *     peer reported unreachable (Raft retransmits)
 * @param minBackoff the first delay before redialling a peer
 * @param maxBackoff the largest delay between redials (the delay doubles up to it, jittered)
 * @param maxFrameBytes the largest frame accepted from a peer (an Append carries up to
 *     Raft's max message size plus one entry, which is at most the max request size)
 * @param snapshotTimeout how long a snapshot transfer may make no progress before it fails
 * @param dialerHook called first on every channel this member dials, with the URL it dials:
 *     the seam where TLS adds its handler (the listener side has its own, in {@link PeerListener})
 */
public record TransportOptions(long localId, long clusterId, Path snapshotDir, Duration dialTimeout, int queueSize,
        Duration minBackoff, Duration maxBackoff, int maxFrameBytes, Duration snapshotTimeout,
        DialerHook dialerHook) {

    /** Prepares a channel that dials {@code peerUrl}, before the peer protocol's handlers. */
    @FunctionalInterface
    public interface DialerHook {

        /** No preparation: plain TCP or Unix sockets. */
        DialerHook NONE = (channel, peerUrl) -> { };

        void configure(Channel channel, URI peerUrl);
    }

    public TransportOptions {
        if (localId == 0) {
            throw new IllegalArgumentException("the local member ID must not be 0");
        }
        if (queueSize < 1 || maxFrameBytes < 1024) {
            throw new IllegalArgumentException("queueSize must be >= 1 and maxFrameBytes >= 1024: queueSize="
                    + queueSize + " maxFrameBytes=" + maxFrameBytes);
        }
        if (minBackoff.isNegative() || minBackoff.isZero() || maxBackoff.compareTo(minBackoff) < 0) {
            throw new IllegalArgumentException("backoff bounds must satisfy 0 < min <= max: min=" + minBackoff
                    + " max=" + maxBackoff);
        }
    }

    /**
     * The defaults: 1 s dial timeout, 4096 queued messages per peer (etcd's stream buffer),
     * redials from 100 ms to 5 s, 32 MiB frames, 30 s snapshot stall timeout, no dialer hook.
     */
    public static TransportOptions of(long localId, long clusterId, Path snapshotDir) {
        return new TransportOptions(localId, clusterId, snapshotDir, Duration.ofSeconds(1), 4096,
                Duration.ofMillis(100), Duration.ofSeconds(5), 32 * 1024 * 1024, Duration.ofSeconds(30),
                DialerHook.NONE);
    }

    public TransportOptions withQueueSize(int size) {
        return new TransportOptions(localId, clusterId, snapshotDir, dialTimeout, size, minBackoff, maxBackoff,
                maxFrameBytes, snapshotTimeout, dialerHook);
    }

    public TransportOptions withBackoff(Duration min, Duration max) {
        return new TransportOptions(localId, clusterId, snapshotDir, dialTimeout, queueSize, min, max,
                maxFrameBytes, snapshotTimeout, dialerHook);
    }

    public TransportOptions withSnapshotTimeout(Duration timeout) {
        return new TransportOptions(localId, clusterId, snapshotDir, dialTimeout, queueSize, minBackoff, maxBackoff,
                maxFrameBytes, timeout, dialerHook);
    }

    public TransportOptions withDialerHook(DialerHook hook) {
        return new TransportOptions(localId, clusterId, snapshotDir, dialTimeout, queueSize, minBackoff, maxBackoff,
                maxFrameBytes, snapshotTimeout, hook);
    }
}
