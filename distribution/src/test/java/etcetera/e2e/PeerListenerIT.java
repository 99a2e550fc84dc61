package etcetera.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The member listens on its peer URLs as etcd does: TCP for {@code http://}, a Unix domain
 * socket named {@code host:port} in the working directory for {@code unix://}, and answers
 * etcd's peer {@code /members} and {@code /version} there.
 */
class PeerListenerIT {

    @TempDir
    Path dirs;

    @Test
    void servesMembersAndVersionOnTcpAndUnixPeerUrls() throws Exception {
        Path workDir = Files.createDirectories(dirs.resolve("work"));
        int unixPort = EtcdProcess.freePort();
        try (EtcdProcess ours = EtcdProcess.ours(dirs.resolve("ours")).in(workDir)) {
            ours.start();
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> members = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + ours.peerPort() + "/members")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, members.statusCode());
            assertTrue(members.body().matches("\\[\\{\"id\":\\d+,\"peerURLs\":\\[\"http://127\\.0\\.0\\.1:" + ours.peerPort()
                    + "\"],\"name\":\"node1\",\"clientURLs\":\\[\"" + ours.endpoint() + "\"]}]"), members.body());
            assertTrue(members.headers().firstValue("X-Etcd-Cluster-Id").isPresent());
            ours.stop();
        }
        try (EtcdProcess ours = new EtcdProcess(EtcdProcess.OURS, dirs.resolve("unix"),
                List.of("--listen-peer-urls=unix://localhost:" + unixPort)).in(workDir)) {
            ours.start();
            Path socket = workDir.resolve("localhost:" + unixPort);
            assertTrue(Files.exists(socket), "etcd names the socket file host:port in the working directory");
            assertEquals("{\"etcdserver\":\"3.4.23\",\"etcdcluster\":\"3.4.0\"}", getOverUnixSocket(socket, "/version"));
            assertEquals(0, ours.stop());
        }
    }

    /** A minimal HTTP/1.0 GET over a Unix domain socket; returns the body. */
    private static String getOverUnixSocket(Path socket, String path) throws IOException {
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            channel.write(ByteBuffer.wrap(("GET " + path + " HTTP/1.0\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII)));
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            try (InputStream in = Channels.newInputStream(channel)) {
                in.transferTo(response);
            }
            String text = response.toString(StandardCharsets.UTF_8);
            assertTrue(text.startsWith("HTTP/1.0 200") || text.startsWith("HTTP/1.1 200"), text);
            return text.substring(text.indexOf("\r\n\r\n") + 4);
        }
    }
}
