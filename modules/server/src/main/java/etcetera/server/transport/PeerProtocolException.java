package etcetera.server.transport;

/**
 * A peer sent something this member cannot accept: bytes that are not a frame, a frame that
 * is not a valid message, or a frame out of protocol order. The connection is closed.
 */
final class PeerProtocolException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    PeerProtocolException(String message) {
        super(message);
    }

    PeerProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
