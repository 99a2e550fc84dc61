package etcetera.api.bootstrap;

/** The configuration does not describe a cluster this member can start in; the message tells the operator why. */
public class BootstrapException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public BootstrapException(String message) {
        super(message);
    }
}
