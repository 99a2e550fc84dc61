package etcetera.raft.wal;

import java.util.Objects;

/**
 * The settings of a node's durable log (WAL segments and snapshot files). Every default is
 * written here, once.
 *
 * @param segmentBytes the size a WAL segment is preallocated to; once the records written to
 *     it reach this size the log cuts to a new segment. Default {@value #DEFAULT_SEGMENT_BYTES}
 *     (64 MiB, as etcd). Between {@value #MIN_SEGMENT_BYTES} and {@value #MAX_SEGMENT_BYTES}.
 * @param maxWals how many segment files to keep at most (etcd's {@code --max-wals}), default
 *     {@value #DEFAULT_MAX_WALS}; {@code 0} keeps all. A segment still needed to replay the log
 *     after the latest snapshot is never deleted, so more may be kept.
 * @param maxSnapshots how many snapshot files to keep at most (etcd's {@code --max-snapshots}),
 *     default {@value #DEFAULT_MAX_SNAPSHOTS}; {@code 0} keeps all.
 * @param fsync how files and directories are forced to disk; {@link Fsync#FORCE} in production,
 *     a failpoint in robustness tests
 */
public record WalOptions(long segmentBytes, int maxWals, int maxSnapshots, Fsync fsync) {

    /** 64 MiB, etcd's segment size. */
    public static final long DEFAULT_SEGMENT_BYTES = 64L * 1024 * 1024;
    /** etcd's default {@code --max-wals}. */
    public static final int DEFAULT_MAX_WALS = 5;
    /** etcd's default {@code --max-snapshots}. */
    public static final int DEFAULT_MAX_SNAPSHOTS = 5;
    /** The smallest segment size accepted (tests use small segments to exercise cuts). */
    public static final long MIN_SEGMENT_BYTES = 1024;
    /** The largest segment size accepted: segments are read through one int-indexed buffer. */
    public static final long MAX_SEGMENT_BYTES = 1L << 30;

    public WalOptions {
        if (segmentBytes < MIN_SEGMENT_BYTES || segmentBytes > MAX_SEGMENT_BYTES) {
            throw new IllegalArgumentException("segmentBytes must be in [" + MIN_SEGMENT_BYTES + ", "
                    + MAX_SEGMENT_BYTES + "]: " + segmentBytes);
        }
        if (maxWals < 0 || maxSnapshots < 0) {
            throw new IllegalArgumentException("maxWals and maxSnapshots must be >= 0 (0 = keep all): maxWals="
                    + maxWals + " maxSnapshots=" + maxSnapshots);
        }
        Objects.requireNonNull(fsync, "fsync");
    }

    /** All defaults. */
    public static WalOptions defaults() {
        return new WalOptions(DEFAULT_SEGMENT_BYTES, DEFAULT_MAX_WALS, DEFAULT_MAX_SNAPSHOTS, Fsync.FORCE);
    }

    public WalOptions withSegmentBytes(long bytes) {
        return new WalOptions(bytes, maxWals, maxSnapshots, fsync);
    }

    public WalOptions withMaxWals(int count) {
        return new WalOptions(segmentBytes, count, maxSnapshots, fsync);
    }

    public WalOptions withMaxSnapshots(int count) {
        return new WalOptions(segmentBytes, maxWals, count, fsync);
    }

    public WalOptions withFsync(Fsync how) {
        return new WalOptions(segmentBytes, maxWals, maxSnapshots, how);
    }
}
