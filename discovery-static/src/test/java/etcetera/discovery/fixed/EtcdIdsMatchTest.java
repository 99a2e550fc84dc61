package etcetera.discovery.fixed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import etcetera.api.bootstrap.InitialCluster;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starts the real etcd 3.4 on loopback ports with given {@code --name}, {@code --initial-cluster}
 * and {@code --initial-cluster-token}, and checks that the member and cluster IDs it derives are
 * the ones we derive. Skipped where etcd is not installed.
 */
@Timeout(60)
class EtcdIdsMatchTest {

    private static final Path ETCD = Path.of("/usr/bin/etcd");
    private static final Path ETCDCTL = Path.of("/usr/bin/etcdctl");
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Pattern ADDED_MEMBER = Pattern.compile("added member ([0-9a-f]+) \\[[^\\]]*\\] to cluster ([0-9a-f]+)");

    @TempDir
    Path dir;

    @BeforeAll
    static void etcdIsInstalled() {
        assumeTrue(Files.isExecutable(ETCD), "etcd is not installed at " + ETCD);
    }

    @Test
    void singleMemberIdsAsEtcdctlReportsThem() throws Exception {
        assumeTrue(Files.isExecutable(ETCDCTL), "etcdctl is not installed at " + ETCDCTL);
        int client = freePort();
        String peers = "http://127.0.0.1:" + freePort() + ",http://127.0.0.1:" + freePort();
        String initialCluster = "solo=" + peers.replace(",", ",solo=");
        try (EtcdProcess etcd = EtcdProcess.start(dir, "solo", client, peers, initialCluster, "token-for-etcetera")) {
            etcd.awaitLine(line -> line.contains("ready to serve client requests"));
            String json = run(ETCDCTL.toString(), "--endpoints", "http://127.0.0.1:" + client, "member", "list", "-w", "json");
            InitialCluster ours = new StaticClusterBootstrap().resolve(StaticClusterBootstrapTest.request(
                    "solo", peers, initialCluster, "token-for-etcetera"));
            assertEquals(Long.toUnsignedString(ours.clusterId()), number(json, "cluster_id"));
            assertEquals(Long.toUnsignedString(ours.members().getFirst().id()), number(json, "ID"));
        }
    }

    @Test
    void threeMemberIdsAsEtcdLogsThem() throws Exception {
        int client = freePort();
        String ownPeers = "http://127.0.0.1:" + freePort() + ",http://127.0.0.1:" + freePort();
        String initialCluster = "m1=" + ownPeers.replace(",", ",m1=")
                + ",m2=http://127.0.0.1:" + freePort() + ",m3=http://127.0.0.1:" + freePort() + ",m3=http://127.0.0.1:" + freePort();
        Map<String, String> etcdIds = new TreeMap<>();
        String etcdClusterId;
        try (EtcdProcess etcd = EtcdProcess.start(dir, "m1", client, ownPeers, initialCluster, "three")) {
            String clusterId = null;
            while (etcdIds.size() < 3) {
                Matcher m = ADDED_MEMBER.matcher(etcd.awaitLine(line -> ADDED_MEMBER.matcher(line).find()));
                m.find();
                etcdIds.put(m.group(1), m.group(1));
                clusterId = m.group(2);
            }
            etcdClusterId = clusterId;
        }
        InitialCluster ours = new StaticClusterBootstrap().resolve(StaticClusterBootstrapTest.request("m1", ownPeers, initialCluster, "three"));
        assertEquals(etcdClusterId, Long.toHexString(ours.clusterId()));
        assertEquals(List.copyOf(etcdIds.keySet()),
                ours.members().stream().map(m -> Long.toHexString(m.id())).sorted().toList());
    }

    private static String number(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\":(\\d+)").matcher(json);
        if (!m.find()) {
            throw new AssertionError("no " + field + " in " + json);
        }
        return m.group(1);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " failed: " + output);
        }
        return output;
    }

    /** A real etcd process whose output lines are read as they come. */
    private static final class EtcdProcess implements AutoCloseable {
        private final Process process;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final List<String> seen = new ArrayList<>();

        private EtcdProcess(Process process) {
            this.process = process;
            Thread.ofVirtual().start(() -> {
                try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    reader.lines().forEach(lines::add);
                } catch (IOException e) {
                    lines.add("(output closed: " + e + ")");
                }
            });
        }

        static EtcdProcess start(Path dir, String name, int clientPort, String peerUrls, String initialCluster, String token)
                throws IOException {
            String clientUrl = "http://127.0.0.1:" + clientPort;
            return new EtcdProcess(new ProcessBuilder(ETCD.toString(),
                    "--name", name, "--data-dir", dir.resolve(name + ".etcd").toString(),
                    "--listen-client-urls", clientUrl, "--advertise-client-urls", clientUrl,
                    "--listen-peer-urls", peerUrls, "--initial-advertise-peer-urls", peerUrls,
                    "--initial-cluster", initialCluster, "--initial-cluster-token", token)
                    .redirectErrorStream(true).start());
        }

        String awaitLine(java.util.function.Predicate<String> wanted) throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (true) {
                String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (line == null) {
                    throw new AssertionError("etcd did not print the expected line within " + WAIT + "; it printed:\n"
                            + String.join("\n", seen));
                }
                seen.add(line);
                if (wanted.test(line)) {
                    return line;
                }
            }
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

}
