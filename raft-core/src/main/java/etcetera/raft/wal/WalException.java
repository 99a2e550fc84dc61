package etcetera.raft.wal;

/**
 * The durable log cannot do what was asked: an I/O error (after which the log refuses further
 * writes, because an fsync that failed cannot be retried safely), a missing or locked log, or a
 * log that cannot be replayed from the requested snapshot.
 */
public class WalException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public WalException(String message) {
        super(message);
    }

    public WalException(String message, Throwable cause) {
        super(message, cause);
    }
}
