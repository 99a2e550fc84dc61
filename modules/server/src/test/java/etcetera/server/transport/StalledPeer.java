package etcetera.server.transport;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A peer that welcomes every stream and then never reads again: what a hung member looks
 * like to the sender once the socket buffers are full.
 */
final class StalledPeer implements AutoCloseable {

    private final ServerSocket server;
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    StalledPeer() throws IOException {
        server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        acceptor = Thread.ofVirtual().name("stalled-peer").start(this::accept);
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                accepted.add(socket);
                DataInputStream in = new DataInputStream(socket.getInputStream());
                in.readFully(new byte[PeerProtocol.PREFACE.length]);
                in.readFully(new byte[in.readInt()]);
                byte[] welcome = PeerProtocol.welcome().toByteArray();
                DataOutputStream out = new DataOutputStream(socket.getOutputStream());
                out.writeInt(welcome.length);
                out.write(welcome);
                out.flush();
            } catch (IOException e) {
                // closed: the test is over
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : accepted) {
            socket.close();
        }
        acceptor.interrupt();
    }

}
