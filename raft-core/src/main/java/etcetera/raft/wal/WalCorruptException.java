package etcetera.raft.wal;

import java.nio.file.Path;

/**
 * A WAL or snapshot file holds a damaged record that cannot be explained by a crash during a
 * write (it lies before data that was already fsynced), so the log cannot be replayed past it.
 * The message names the file and byte offset and says how to recover the member.
 */
public final class WalCorruptException extends WalException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final long offset;

    WalCorruptException(Path file, long offset, String problem) {
        super("WAL file " + file + " is corrupt at byte offset " + offset + " (" + problem + "). "
                + "The log cannot be replayed past this point, so this member must not start from it: "
                + "restore the member from a snapshot (etcdctl snapshot restore), or remove the member's "
                + "data directory and re-add it to the cluster (etcdctl member remove, member add) so that "
                + "it receives a fresh copy from the leader.");
        this.file = file;
        this.offset = offset;
    }

    /** The damaged file. */
    public Path file() {
        return file;
    }

    /** The byte offset of the damaged record in {@link #file()}. */
    public long offset() {
        return offset;
    }
}
