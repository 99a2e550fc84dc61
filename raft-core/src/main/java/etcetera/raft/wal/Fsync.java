package etcetera.raft.wal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * How the durable log forces a file or a directory to stable storage. Production always uses
 * {@link #FORCE}; the seam exists so that robustness tests can slow down or fail an fsync
 * (a failpoint) without touching the log's code.
 */
@FunctionalInterface
public interface Fsync {

    /** The real thing: {@link FileChannel#force(boolean)}. */
    Fsync FORCE = (path, channel, metadata) -> channel.force(metadata);

    /**
     * Forces what was written through {@code channel} to stable storage.
     *
     * @param path the file or directory the channel is open on (for failpoints and messages)
     * @param channel the open channel
     * @param metadata whether file metadata (size, directory entries) must be forced too
     * @throws IOException if the data may not be durable; the log is then unusable
     */
    void force(Path path, FileChannel channel, boolean metadata) throws IOException;
}
