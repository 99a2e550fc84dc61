package etcetera.server.errors;

/**
 * An {@link EtcdError} raised inside the server. Carries no stack trace: it is an expected
 * outcome reported to a client, not a bug.
 */
public final class EtcdException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final EtcdError error;

    public EtcdException(EtcdError error) {
        super(error.message(), null, false, false);
        this.error = error;
    }

    public EtcdError error() {
        return error;
    }
}
