package etcetera.cli.benchmark;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A real single-member etcd 3.4 on loopback ephemeral ports, for tests that compare with the
 * reference. Started by {@link #start}, which returns once etcd logs that it serves clients;
 * {@link #close} stops it. A reader thread owns the process output (and the tail kept for
 * failure messages).
 */
final class EtcdProcess implements AutoCloseable {

    static final Path BINARY = Path.of("/usr/bin/etcd");
    private static final String READY = "ready to serve client requests";
    private static final int TAIL_LINES = 40;

    private final Process process;
    private final int clientPort;

    private EtcdProcess(Process process, int clientPort) {
        this.process = process;
        this.clientPort = clientPort;
    }

    static boolean installed() {
        return Files.isExecutable(BINARY);
    }

    static EtcdProcess start(Path dataDir, Duration readyTimeout) throws IOException {
        int clientPort = freePort();
        int peerPort = freePort();
        String clientUrl = "http://127.0.0.1:" + clientPort;
        String peerUrl = "http://127.0.0.1:" + peerPort;
        Process process = new ProcessBuilder(List.of(
                BINARY.toString(),
                "--name", "default",
                "--data-dir", dataDir.toString(),
                "--listen-client-urls", clientUrl,
                "--advertise-client-urls", clientUrl,
                "--listen-peer-urls", peerUrl,
                "--initial-advertise-peer-urls", peerUrl,
                "--initial-cluster", "default=" + peerUrl))
                .redirectErrorStream(true)
                .start();
        var ready = new CompletableFuture<Void>();
        var tail = new ArrayDeque<String>();
        Thread.ofPlatform().daemon().name("etcd-output").start(() -> {
            try (var lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    synchronized (tail) {
                        tail.addLast(line);
                        if (tail.size() > TAIL_LINES) {
                            tail.removeFirst();
                        }
                    }
                    if (line.contains(READY)) {
                        ready.complete(null);
                    }
                }
            } catch (IOException e) {
                ready.completeExceptionally(e);
            }
            ready.completeExceptionally(new IllegalStateException("etcd exited before it was ready"));
        });
        var etcd = new EtcdProcess(process, clientPort);
        try {
            ready.get(readyTimeout.toMillis(), TimeUnit.MILLISECONDS);
            return etcd;
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            etcd.close();
            synchronized (tail) {
                throw new IllegalStateException("etcd did not become ready; last output:\n" + String.join("\n", tail), e);
            }
        }
    }

    String endpoint() {
        return "http://127.0.0.1:" + clientPort;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    static int freePort() {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
