package etcetera.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A single-member server running as a real process on loopback ephemeral ports: ours
 * (the distribution's {@code bin/etcd}) or the real etcd, started with the same flags.
 * Collects its output, waits for etcd's "ready to serve client requests" milestone, and can
 * be stopped with SIGTERM or killed with SIGKILL. Used by one test thread.
 */
final class EtcdProcess implements AutoCloseable {

    static final Path DISTRIBUTION = Path.of(System.getProperty("etcetera.distribution", "target/etcetera")).toAbsolutePath();
    static final Path OURS = DISTRIBUTION.resolve("bin/etcd");
    static final Path REAL_ETCD = Path.of("/usr/bin/etcd");

    private final Path binary;
    private final Path dataDir;
    private final int clientPort;
    private final int peerPort;
    private final List<String> extraFlags;
    /** The member's name and --initial-cluster; {@code null}: a one-member cluster named node1. */
    private String name;
    private String initialCluster;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private Process process;
    private Path workingDirectory;

    EtcdProcess(Path binary, Path dataDir, List<String> extraFlags) {
        this(binary, dataDir, freePort(), freePort(), extraFlags);
    }

    EtcdProcess(Path binary, Path dataDir, int clientPort, int peerPort, List<String> extraFlags) {
        this.binary = binary;
        this.dataDir = dataDir;
        this.clientPort = clientPort;
        this.peerPort = peerPort;
        this.extraFlags = List.copyOf(extraFlags);
    }

    /** Makes this process member {@code name} of the cluster {@code initialCluster} (name=peerURL,...). */
    EtcdProcess asMember(String name, String initialCluster) {
        this.name = name;
        this.initialCluster = initialCluster;
        return this;
    }

    String name() {
        return name == null ? "node1" : name;
    }

    String peerUrl() {
        return "http://127.0.0.1:" + peerPort;
    }

    static EtcdProcess ours(Path dataDir, String... flags) {
        return new EtcdProcess(OURS, dataDir, List.of(flags));
    }

    /** Runs the server in {@code directory} (where relative paths, e.g. unix socket files, land). */
    EtcdProcess in(Path directory) {
        this.workingDirectory = directory;
        return this;
    }

    int peerPort() {
        return peerPort;
    }

    EtcdProcess start() {
        output.clear();
        List<String> command = new ArrayList<>();
        command.add(binary.toString());
        command.add("--name=" + name());
        command.add("--data-dir=" + dataDir);
        command.add("--listen-client-urls=http://127.0.0.1:" + clientPort);
        command.add("--advertise-client-urls=http://127.0.0.1:" + clientPort);
        command.add("--listen-peer-urls=http://127.0.0.1:" + peerPort);
        command.add("--initial-advertise-peer-urls=http://127.0.0.1:" + peerPort);
        command.add("--initial-cluster=" + (initialCluster == null ? "node1=http://127.0.0.1:" + peerPort : initialCluster));
        command.addAll(extraFlags);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (workingDirectory != null) {
            builder.directory(workingDirectory.toFile());
        }
        builder.environment().put("ETCETERA_JAVA_OPTS", "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1");
        CountDownLatch ready = new CountDownLatch(1);
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread.ofPlatform().daemon().name("output-" + clientPort).start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    output.add(line);
                    if (line.contains("ready to serve client requests")) {
                        ready.countDown();
                    }
                }
            } catch (IOException e) {
                // the process went away; its output ends here
            }
        });
        try {
            if (!ready.await(60, TimeUnit.SECONDS)) {
                String log = String.join("\n", output);
                close();
                throw new IllegalStateException("server did not become ready in 60 s; output:\n" + log);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return this;
    }

    String endpoint() {
        return "http://127.0.0.1:" + clientPort;
    }

    String hostPort() {
        return "127.0.0.1:" + clientPort;
    }

    List<String> output() {
        return List.copyOf(output);
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    /** SIGSTOP: the process freezes (a stalled member, as far as its peers can tell). */
    void pause() {
        signal("STOP");
    }

    /** SIGCONT after {@link #pause()}. */
    void resume() {
        signal("CONT");
    }

    private void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** SIGKILL: no chance to flush or clean up. */
    void kill9() {
        process.destroyForcibly();
        waitFor(Duration.ofSeconds(30));
    }

    /** SIGTERM; returns the exit status. */
    int stop() {
        process.destroy();
        return waitFor(Duration.ofSeconds(30));
    }

    private int waitFor(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
                throw new IllegalStateException("server did not exit within " + timeout);
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Ports handed out by {@link #freePort()} in this JVM: the OS may offer a just-closed one again. */
    private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * A loopback port that is free now and was not handed out before in this JVM (the OS can
     * return the same ephemeral port to two calls in a row, e.g. a member's client and peer port).
     */
    static int freePort() {
        while (true) {
            try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                if (HANDED_OUT.add(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static boolean installed(Path binary) {
        return Files.isExecutable(binary);
    }
}
