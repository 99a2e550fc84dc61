package etcetera.robustness.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The peer proxy forwards bytes both ways and cuts exactly the links a partition names. */
class TcpProxyTest {

    private static final String REQUEST_FROM_A = "GET /raft/stream/message/b HTTP/1.1\r\nHost: x\r\nX-Server-From: aa\r\n\r\n";

    /** An echo server on loopback: every byte it receives it sends back. */
    private static ServerSocket echo() throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    Thread.ofVirtual().start(() -> {
                        try (s) {
                            s.getInputStream().transferTo(s.getOutputStream());
                        } catch (IOException ignored) {
                            // peer gone
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
        return server;
    }

    /** Sends {@code text} and reads as many bytes back; "<closed>" if the link was cut. */
    private static String exchange(Socket s, String text) throws IOException {
        try {
            return roundTrip(s, text);
        } catch (SocketException e) {
            return "<closed>";
        }
    }

    private static String roundTrip(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
        byte[] back = new byte[text.length()];
        InputStream in = s.getInputStream();
        int read = 0;
        while (read < back.length) {
            int n = in.read(back, read, back.length - read);
            if (n < 0) {
                return "<closed>";
            }
            read += n;
        }
        return new String(back, StandardCharsets.ISO_8859_1);
    }

    @Test
    @Timeout(20)
    void forwardsBothWaysAndCutsTheLinksOfAnIsolatedSender() throws IOException {
        try (ServerSocket target = echo(); TcpProxy proxy = new TcpProxy(target.getLocalPort())) {
            proxy.memberId("bb");
            try (Socket a = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
                 Socket anonymous = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
                assertEquals(REQUEST_FROM_A, exchange(a, REQUEST_FROM_A));
                assertEquals("hello", exchange(anonymous, "hello"));
                proxy.isolate(Set.of("aa"));
                assertEquals("<closed>", exchange(a, "more"));
                assertEquals("still", exchange(anonymous, "still"));
            }
            try (Socket again = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
                assertEquals("<closed>", exchange(again, REQUEST_FROM_A));
            }
            proxy.isolate(Set.of());
            try (Socket healed = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
                assertEquals(REQUEST_FROM_A, exchange(healed, REQUEST_FROM_A));
            }
        }
    }

    @Test
    @Timeout(20)
    void isolatingTheMemberBehindTheProxyCutsEveryLinkIntoIt() throws IOException {
        try (ServerSocket target = echo(); TcpProxy proxy = new TcpProxy(target.getLocalPort())) {
            proxy.memberId("bb");
            try (Socket anonymous = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
                assertEquals("hello", exchange(anonymous, "hello"));
                proxy.isolate(Set.of("bb"));
                assertEquals("<closed>", exchange(anonymous, "again"));
            }
        }
    }
}
