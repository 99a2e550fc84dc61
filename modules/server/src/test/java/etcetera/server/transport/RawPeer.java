package etcetera.server.transport;

import etcetera.wire.raft.PeerFrame;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * A hand-driven peer connection over a blocking socket, for tests that must send what a
 * well-behaved transport never would (a wrong trailer, a truncated image).
 */
final class RawPeer implements AutoCloseable {

    private final Socket socket;
    private final DataOutputStream out;
    private final DataInputStream in;

    RawPeer(URI url, Duration readTimeout) throws IOException {
        socket = new Socket(url.getHost(), url.getPort());
        socket.setSoTimeout((int) readTimeout.toMillis());
        out = new DataOutputStream(socket.getOutputStream());
        in = new DataInputStream(socket.getInputStream());
        out.write(PeerProtocol.PREFACE);
    }

    RawPeer send(PeerFrame frame) throws IOException {
        byte[] body = frame.toByteArray();
        out.writeInt(body.length);
        out.write(body);
        out.flush();
        return this;
    }

    /** The next frame, or empty if the listener closed the connection. */
    Optional<PeerFrame> read() throws IOException {
        try {
            int size = in.readInt();
            byte[] body = new byte[size];
            in.readFully(body);
            return Optional.of(PeerFrame.parseFrom(body));
        } catch (EOFException closed) {
            return Optional.empty();
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
