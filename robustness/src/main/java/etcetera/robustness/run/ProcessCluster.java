package etcetera.robustness.run;

import etcetera.wire.etcdserverpb.ClusterGrpc;
import etcetera.wire.etcdserverpb.MaintenanceGrpc;
import etcetera.wire.etcdserverpb.Member;
import etcetera.wire.etcdserverpb.MemberAddRequest;
import etcetera.wire.etcdserverpb.MemberListRequest;
import etcetera.wire.etcdserverpb.MemberRemoveRequest;
import etcetera.wire.etcdserverpb.StatusRequest;
import etcetera.wire.etcdserverpb.StatusResponse;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A cluster of N members running as real processes on loopback ephemeral ports (our
 * {@code bin/etcd} or the real etcd: same flags). Each member advertises the port of a
 * {@link TcpProxy} in front of its peer port, so peer links can be cut or slowed. Members can be
 * killed with SIGKILL and restarted on the same data directory, or paused with SIGSTOP and
 * resumed with SIGCONT. Each member's output goes to {@code <dir>/<name>.log}. Used by one
 * thread (the run's fault schedule); the proxies have their own threads.
 */
public final class ProcessCluster implements AutoCloseable {

    private static final String READY = "ready to serve client requests";

    private final Path binary;
    private final Path dir;
    private final List<MemberProcess> members = new ArrayList<>();

    /** One member: its ports, its proxy, its process (when running). */
    private static final class MemberProcess {
        final String name;
        final int clientPort = freePort();
        final int peerPort = freePort();
        final TcpProxy proxy;
        Process process;
        long readyLinesBefore;
        String id = "";

        MemberProcess(String name) {
            this.name = name;
            this.proxy = new TcpProxy(peerPort);
        }
    }

    public ProcessCluster(Path binary, int size, Path dir) {
        this.binary = binary;
        this.dir = dir;
        for (int i = 0; i < size; i++) {
            members.add(new MemberProcess("m" + i));
        }
    }

    public int size() {
        return members.size();
    }

    public List<String> endpoints() {
        return members.stream().map(m -> "127.0.0.1:" + m.clientPort).toList();
    }

    public ProcessCluster start() {
        for (int i = 0; i < members.size(); i++) {
            launch(i);
        }
        for (int i = 0; i < members.size(); i++) {
            awaitReady(i, Duration.ofSeconds(90));
        }
        learnMemberIds();
        return this;
    }

    private void launch(int i) {
        launch(i, "new");
    }

    private void launch(int i, String clusterState) {
        MemberProcess m = members.get(i);
        String cluster = String.join(",", members.stream().map(o -> o.name + "=http://127.0.0.1:" + o.proxy.port()).toList());
        List<String> command = List.of(binary.toString(),
                "--name=" + m.name,
                "--data-dir=" + dir.resolve(m.name + ".etcd"),
                "--listen-client-urls=http://127.0.0.1:" + m.clientPort,
                "--advertise-client-urls=http://127.0.0.1:" + m.clientPort,
                "--listen-peer-urls=http://127.0.0.1:" + m.peerPort,
                "--initial-advertise-peer-urls=http://127.0.0.1:" + m.proxy.port(),
                "--initial-cluster=" + cluster,
                "--initial-cluster-state=" + clusterState,
                "--initial-cluster-token=robustness");
        Path log = dir.resolve(m.name + ".log");
        m.readyLinesBefore = readyLines(log);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("ETCETERA_JAVA_OPTS", "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1");
        try {
            Files.createDirectories(dir);
            m.process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long readyLines(Path log) {
        try {
            return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.ISO_8859_1).stream().filter(l -> l.contains(READY)).count() : 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Polls the member's log for a new "ready" milestone, up to the timeout. */
    private void awaitReady(int i, Duration timeout) {
        MemberProcess m = members.get(i);
        long deadline = System.nanoTime() + timeout.toNanos();
        Path log = dir.resolve(m.name + ".log");
        while (readyLines(log) <= m.readyLinesBefore) {
            if (!m.process.isAlive()) {
                throw new IllegalStateException(m.name + " exited with " + m.process.exitValue() + "; see " + log);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(m.name + " not ready within " + timeout + "; see " + log);
            }
            pause(Duration.ofMillis(100));
        }
    }

    private void learnMemberIds() {
        ManagedChannel channel = channel(0);
        try {
            for (Member member : ClusterGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .memberList(MemberListRequest.getDefaultInstance()).getMembersList()) {
                for (MemberProcess m : members) {
                    if (member.getPeerURLsList().contains("http://127.0.0.1:" + m.proxy.port())) {
                        m.id = Long.toHexString(member.getID());
                        m.proxy.memberId(m.id);
                    }
                }
            }
        } finally {
            channel.shutdownNow();
        }
    }

    public String name(int i) {
        return members.get(i).name;
    }

    public boolean running(int i) {
        Process p = members.get(i).process;
        return p != null && p.isAlive();
    }

    /** SIGKILL: no chance to flush anything. */
    public void kill(int i) {
        Process p = members.get(i).process;
        p.destroyForcibly();
        try {
            p.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts a killed member again on its data directory and waits until it serves clients. */
    public void restart(int i) {
        launch(i);
        awaitReady(i, Duration.ofSeconds(90));
    }

    /**
     * Removes member {@code i} from the cluster (through another member), lets it stop (etcd's
     * removed member exits by itself; after 30 s it is killed), wipes its data directory, adds it
     * back under a new member ID with the same peer URL and starts it to join the existing cluster.
     * Needs at least two members.
     */
    public void removeAndReadd(int i) {
        MemberProcess m = members.get(i);
        int via = (i + 1) % members.size();
        ManagedChannel channel = channel(via);
        try {
            var cluster = ClusterGrpc.newBlockingStub(channel);
            cluster.withDeadlineAfter(10, TimeUnit.SECONDS).memberRemove(MemberRemoveRequest.newBuilder().setID(Long.parseUnsignedLong(m.id, 16)).build());
            if (!m.process.waitFor(30, TimeUnit.SECONDS)) {
                kill(i);
            }
            deleteRecursively(dir.resolve(m.name + ".etcd"));
            Member added = cluster.withDeadlineAfter(10, TimeUnit.SECONDS)
                    .memberAdd(MemberAddRequest.newBuilder().addPeerURLs("http://127.0.0.1:" + m.proxy.port()).build()).getMember();
            m.id = Long.toHexString(added.getID());
            m.proxy.memberId(m.id);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } finally {
            channel.shutdownNow();
        }
        launch(i, "existing");
        awaitReady(i, Duration.ofSeconds(90));
    }

    private static void deleteRecursively(Path path) {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> tree = Files.walk(path)) {
            for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGKILL member {@code i}, tear the tail of its WAL as a crash mid-write would, restart it. */
    public void killAndTearWalTail(int i, Random random) {
        kill(i);
        WalTail.tear(dir.resolve(members.get(i).name + ".etcd"), random);
        restart(i);
    }

    /** SIGSTOP: the process freezes with its connections open. */
    public void freeze(int i) {
        signal(i, "STOP");
    }

    /** SIGCONT. */
    public void thaw(int i) {
        signal(i, "CONT");
    }

    private void signal(int i, String signal) {
        signalQuietly(members.get(i).process, signal);
    }

    /** Cuts member {@code i} from every other member (both directions), or heals with an empty selection. */
    public void isolate(OptionalInt i) {
        Set<String> ids = i.isPresent() ? Set.of(members.get(i.getAsInt()).id) : Set.of();
        members.forEach(m -> m.proxy.isolate(ids));
    }

    /** Delays every peer message by {@code delay} (zero heals). */
    public void delayPeers(Duration delay) {
        members.forEach(m -> m.proxy.delay(delay));
    }

    /** The index of the member that reports itself leader, if any answers. */
    public Optional<Integer> leader() {
        for (int i = 0; i < members.size(); i++) {
            if (!running(i)) {
                continue;
            }
            ManagedChannel channel = channel(i);
            try {
                StatusResponse status = MaintenanceGrpc.newBlockingStub(channel).withDeadlineAfter(2, TimeUnit.SECONDS).status(StatusRequest.getDefaultInstance());
                String leader = Long.toHexString(status.getLeader());
                for (int j = 0; j < members.size(); j++) {
                    if (members.get(j).id.equals(leader)) {
                        return Optional.of(j);
                    }
                }
            } catch (StatusRuntimeException e) {
                // try the next member
            } finally {
                channel.shutdownNow();
            }
        }
        return Optional.empty();
    }

    private ManagedChannel channel(int i) {
        return NettyChannelBuilder.forAddress("127.0.0.1", members.get(i).clientPort).usePlaintext().build();
    }

    @Override
    public void close() {
        for (MemberProcess m : members) {
            m.proxy.close();
            if (m.process != null && m.process.isAlive()) {
                signalQuietly(m.process, "CONT");
                m.process.destroyForcibly();
                try {
                    m.process.waitFor(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private static void signalQuietly(Process p, String signal) {
        try {
            new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start().waitFor(5, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            // best effort: the process is killed next anyway
        }
    }

    static void pause(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
