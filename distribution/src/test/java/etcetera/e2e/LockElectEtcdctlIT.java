package etcetera.e2e;

import static etcetera.e2e.Eventually.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code etcdctl lock} and {@code etcdctl elect} (which run etcd's lock and election recipes
 * client side, over KV, Lease and Watch) against our server, and the same scenario against
 * the real etcd 3.4 when it is installed: the same outputs, lease IDs normalised.
 */
class LockElectEtcdctlIT {

    @TempDir
    static Path dirs;

    private static EtcdProcess ours;
    private static EtcdProcess etcd;
    private final List<Process> started = new ArrayList<>();

    private static SideBySide servers;

    @BeforeAll
    static void startServers() {
        servers = SideBySide.start(dirs);
        ours = servers.ours();
        etcd = servers.etcd();
    }

    @AfterAll
    static void stopServers() {
        if (servers != null) {
            servers.close();
        }
    }

    @AfterEach
    void stopClients() {
        for (Process p : started) {
            p.destroyForcibly();
        }
    }

    /** An etcdctl running in the background, its output in a file. */
    private record Background(Process process, Path output) {
        String printed() {
            try {
                return Files.readString(output).replaceAll("\\b[0-9a-f]{16}\\b", "ID");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private Background background(EtcdProcess server, String name, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Etcdctl.BINARY.toString(), "--endpoints=" + server.hostPort()));
        command.addAll(List.of(args));
        Path output = Files.createTempFile(dirs, name, ".out");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().put("ETCDCTL_API", "3");
        Process process = builder.start();
        started.add(process);
        return new Background(process, output);
    }

    @Test
    void theSecondLockHolderRunsOnlyAfterTheFirstReleases() throws Exception {
        for (EtcdProcess server : servers.all()) {
            Background first = background(server, "first", "lock", "job", "--", "sh", "-c", "echo first; sleep 2; echo first-done");
            waitUntil(() -> first.printed().startsWith("first\n"), Duration.ofSeconds(30), "the first holder runs");
            Background second = background(server, "second", "lock", "job", "--", "sh", "-c", "echo second");
            waitUntil(() -> !first.process().isAlive() || !second.printed().isEmpty(), Duration.ofSeconds(30), "either ends");
            assertEquals("first\nfirst-done\n", first.printed(), "the first holder finished before the second got the lock");
            waitUntil(() -> !second.process().isAlive(), Duration.ofSeconds(30), "the second holder runs after the first");
            assertEquals("second\n", second.printed(), server == ours ? "ours" : "etcd");
            assertEquals(0, second.process().exitValue());
        }
    }

    @Test
    void aLockIsReleasedWhenItsHoldersSessionLeaseExpires() throws Exception {
        for (EtcdProcess server : servers.all()) {
            Background holder = background(server, "holder", "lock", "--ttl=2", "crashy");
            waitUntil(() -> holder.printed().startsWith("crashy/ID\n"), Duration.ofSeconds(30), "the holder gets the lock on " + server.hostPort());
            Background waiter = background(server, "waiter", "lock", "crashy", "--", "echo", "got it");
            holder.process().destroyForcibly(); // no unlock: only the expiry of its lease releases the lock
            long killed = System.nanoTime();
            waitUntil(() -> waiter.printed().equals("got it\n"), Duration.ofSeconds(30), "the waiter gets the lock");
            assertTrue(System.nanoTime() - killed > TimeUnit.MILLISECONDS.toNanos(500), "the lock outlived its holder until the lease expired");
        }
    }

    @Test
    void electCandidatesAndObservers() throws Exception {
        for (EtcdProcess server : servers.all()) {
            Background observer = background(server, "observer", "elect", "-l", "board");
            Background alpha = background(server, "alpha", "elect", "board", "alpha");
            waitUntil(() -> alpha.printed().equals("board/ID\nalpha\n"), Duration.ofSeconds(30), "alpha leads on " + server.hostPort() + ": " + alpha.printed());
            Background beta = background(server, "beta", "elect", "board", "beta");
            TimeUnit.MILLISECONDS.sleep(1500); // beta must not win while alpha leads: nothing to wait for but time
            assertEquals("", beta.printed());
            alpha.process().destroy(); // SIGTERM: etcdctl resigns
            waitUntil(() -> beta.printed().equals("board/ID\nbeta\n"), Duration.ofSeconds(30), "beta leads once alpha resigns");
            waitUntil(() -> observer.printed().equals("board/ID\nalpha\nboard/ID\nbeta\n"), Duration.ofSeconds(30),
                    "the observer saw both leaders, on " + (server == ours ? "ours" : "etcd") + ": " + observer.printed());
        }
    }
}
