package etcetera.robustness.run;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback TCP proxy in front of one member's peer port: the member advertises the proxy's
 * port, so every peer connection to it passes here and can be cut or slowed. etcd's peer
 * requests name their sender in an {@code X-Server-From} header, which the proxy reads from a
 * connection's first bytes; a partition is then a set of member IDs whose links are cut in both
 * directions (a link into this member, or a link from an isolated sender). Each connection is
 * pumped by two virtual threads; the rules are read by them without locks.
 */
final class TcpProxy implements AutoCloseable {

    private static final Pattern FROM = Pattern.compile("(?i)X-Server-From:\\s*([0-9a-f]+)");

    private final ServerSocket server;
    private final int targetPort;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private volatile String memberId = "";
    private volatile Set<String> isolated = Set.of();
    private volatile boolean blockAll;
    private volatile Duration delay = Duration.ZERO;

    private record Link(Socket client, Socket target, String from) {}

    TcpProxy(int targetPort) {
        this.targetPort = targetPort;
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread.ofVirtual().name("proxy-" + server.getLocalPort()).start(this::accept);
    }

    int port() {
        return server.getLocalPort();
    }

    /** The hex member ID of the member behind this proxy, once known. */
    void memberId(String id) {
        this.memberId = id;
    }

    /** Cuts every link into this member and every link from one of {@code ids}; an empty set heals. */
    void isolate(Set<String> ids) {
        this.isolated = Set.copyOf(ids);
        links.forEach(this::cutIfBlocked);
    }

    /** Cuts every link into this member (the member's peer port is unreachable) until unblocked. */
    void blockAll(boolean block) {
        this.blockAll = block;
        links.forEach(this::cutIfBlocked);
    }

    /** Delays every chunk forwarded in either direction. */
    void delay(Duration delay) {
        this.delay = delay;
    }

    private boolean blocked(String from) {
        return blockAll || isolated.contains(memberId) || isolated.contains(from);
    }

    private void cutIfBlocked(Link link) {
        if (blocked(link.from())) {
            closeQuietly(link.client());
            closeQuietly(link.target());
        }
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Thread.ofVirtual().start(() -> connect(client));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void connect(Socket client) {
        try {
            client.setSoTimeout(2000);
            byte[] first = new byte[16384];
            int n;
            try {
                n = client.getInputStream().read(first);
            } catch (SocketTimeoutException e) {
                // A protocol where the server speaks first: forward without knowing the sender.
                n = 0;
            }
            client.setSoTimeout(0);
            if (n < 0) {
                client.close();
                return;
            }
            Matcher m = FROM.matcher(new String(first, 0, n, StandardCharsets.ISO_8859_1));
            String from = m.find() ? m.group(1).toLowerCase() : "";
            if (blocked(from)) {
                client.close();
                return;
            }
            Socket target = new Socket();
            target.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 2000);
            Link link = new Link(client, target, from);
            links.add(link);
            target.getOutputStream().write(first, 0, n);
            Thread.ofVirtual().start(() -> pump(link, client, target));
            pump(link, target, client);
        } catch (IOException e) {
            closeQuietly(client);
        }
    }

    private void pump(Link link, Socket from, Socket to) {
        byte[] buffer = new byte[16384];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                if (blocked(link.from())) {
                    break;
                }
                Duration d = delay;
                if (!d.isZero()) {
                    Thread.sleep(d);
                }
                out.write(Arrays.copyOf(buffer, n));
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // the link is cut or closed: close both ends below
        } finally {
            links.remove(link);
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // already closed
        }
        links.forEach(l -> {
            closeQuietly(l.client());
            closeQuietly(l.target());
        });
    }
}
