package etcetera.server;

/** The member cannot start; the message tells the operator why and what to do. */
public final class StartupException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public StartupException(String message) {
        super(message);
    }
}
