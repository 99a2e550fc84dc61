package etcetera.server.apply;

import etcetera.wire.etcdserverpb.KVGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real etcd 3.4 ({@code /usr/bin/etcd}), one member on loopback ephemeral ports, with a
 * plaintext channel to its KV service: the reference our answers are compared with. Owned
 * by one test; its output goes to a file in the data directory's parent.
 */
final class ReferenceEtcd implements AutoCloseable {

    static final Path BINARY = Path.of("/usr/bin/etcd");

    private final Process process;
    private final ManagedChannel channel;

    private ReferenceEtcd(Process process, ManagedChannel channel) {
        this.process = process;
        this.channel = channel;
    }

    static boolean installed() {
        return Files.isExecutable(BINARY);
    }

    static ReferenceEtcd start(Path directory, Duration timeout) throws IOException, InterruptedException {
        int clientPort = freePort();
        String client = "http://127.0.0.1:" + clientPort;
        String peer = "http://127.0.0.1:" + freePort();
        Path log = directory.resolve("etcd.log");
        Process process = new ProcessBuilder(List.of(BINARY.toString(), "--name", "ref",
                "--data-dir", directory.resolve("data").toString(),
                "--listen-client-urls", client, "--advertise-client-urls", client,
                "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer, "--initial-cluster", "ref=" + peer))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        Instant deadline = Instant.now().plus(timeout);
        // Poll the log with a deadline: etcd says when it serves clients.
        while (!Files.readString(log).contains("ready to serve client requests")) {
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new IllegalStateException("etcd did not start; its output:\n" + Files.readString(log));
            }
            process.waitFor(50, TimeUnit.MILLISECONDS);
        }
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", clientPort).usePlaintext().build();
        return new ReferenceEtcd(process, channel);
    }

    KVGrpc.KVBlockingStub kv() {
        return KVGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
