package etcetera.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code etcdctl watch} against our server and the real etcd 3.4 with the same script: the
 * output must be byte-identical. Watches start at a known revision ({@code --rev}), so what
 * they print does not depend on when the watch reached the server. Methods run by name so
 * that both servers see the same writes and agree on revisions.
 */
@TestMethodOrder(MethodOrderer.MethodName.class)
@Timeout(120)
class WatchEtcdctlIT {

    @TempDir
    static Path dirs;

    private static EtcdProcess ours;
    private static EtcdProcess etcd;

    @BeforeAll
    static void startServers() {
        assumeTrue(Etcdctl.installed(), "etcdctl (Debian's etcd-client) is not installed");
        ours = EtcdProcess.ours(dirs.resolve("ours")).start();
        if (EtcdProcess.installed(EtcdProcess.REAL_ETCD)) {
            etcd = new EtcdProcess(EtcdProcess.REAL_ETCD, dirs.resolve("etcd"), List.of()).start();
        }
    }

    @AfterAll
    static void stopServers() {
        if (ours != null) {
            ours.close();
        }
        if (etcd != null) {
            etcd.close();
        }
    }

    private static void both(String... args) {
        new Etcdctl(ours.hostPort()).run(args).ok();
        if (etcd != null) {
            new Etcdctl(etcd.hostPort()).run(args).ok();
        }
    }

    /** What a watch printed once {@code lines} lines are out (or it exited), on both servers; etcd's must be the same. */
    private static String watchBoth(String stdin, int lines, String... args) {
        String mine = watch(ours, stdin, lines, args);
        if (etcd != null) {
            String theirs = watch(etcd, stdin, lines, args);
            assertEquals(normalize(theirs), normalize(mine), "etcdctl watch " + String.join(" ", args));
        }
        return mine;
    }

    private static String normalize(String out) {
        return out.replaceAll("\"cluster_id\":\\d+", "\"cluster_id\":C").replaceAll("\"member_id\":\\d+", "\"member_id\":M");
    }

    /** Runs {@code etcdctl watch ARGS} until it printed {@code lines} lines or exited; returns stdout, then "stderr: ..." and "exit: N" if it exited. */
    private static String watch(EtcdProcess server, String stdin, int lines, String... args) {
        List<String> command = new ArrayList<>(List.of(Etcdctl.BINARY.toString(), "--endpoints=" + server.hostPort(), "watch"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("ETCDCTL_API", "3");
        try {
            Path out = Files.createTempFile("watch", ".out");
            Path err = Files.createTempFile("watch", ".err");
            Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            OutputStream in = process.getOutputStream();
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
                in.flush();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (process.isAlive() && Files.readString(out).lines().count() < lines && System.nanoTime() < deadline) {
                process.waitFor(20, TimeUnit.MILLISECONDS);
            }
            // Anything beyond the expected lines would show up in this grace period.
            process.waitFor(300, TimeUnit.MILLISECONDS);
            String result = Files.readString(out);
            if (!process.isAlive()) {
                result += "stderr: " + Files.readString(err) + "exit: " + process.exitValue() + "\n";
            }
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            in.close();
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    void a_prefixWatchFromARevision() {
        both("put", "w/a", "1");      // 2
        both("put", "x", "no");       // 3
        both("put", "w/b", "2");      // 4
        both("del", "w/a");           // 5
        both("put", "w/a", "3");      // 6
        assertEquals("PUT\nw/a\n1\nPUT\nw/b\n2\nDELETE\nw/a\n\nPUT\nw/a\n3\n",
                watchBoth(null, 12, "--prefix", "w/", "--rev=2"));
        assertEquals("PUT\nw/b\n2\nDELETE\nw/a\n\nPUT\nw/a\n3\n", watchBoth(null, 9, "w/", "w0", "--rev=3"));
    }

    @Test
    void b_prevKvAndWriteOutFormats() {
        both("put", "p", "one");      // 7
        both("put", "p", "two");      // 8
        both("del", "p");             // 9
        assertEquals("PUT\np\none\nPUT\np\none\np\ntwo\nDELETE\np\ntwo\np\n\n",
                watchBoth(null, 13, "p", "--prev-kv", "--rev=7"));
        watchBoth(null, 1, "p", "--rev=7", "-w", "json");
    }

    @Test
    void c_interactiveWatch() {
        assertEquals("PUT\nw/b\n2\nDELETE\nw/a\n\nPUT\nw/a\n3\n", watchBoth("watch --prefix w/ --rev=4\n", 9, "-i"));
    }

    @Test
    void d_execCommandPerEvent() {
        String print = "echo \"$ETCD_WATCH_REVISION $ETCD_WATCH_EVENT_TYPE $ETCD_WATCH_KEY $ETCD_WATCH_VALUE\"";
        String out = watchBoth(null, 12, "p", "--rev=7", "--", "sh", "-c", print);
        // One response with the three replayed events: printed first, then the command once per event.
        assertEquals("PUT\np\none\nPUT\np\ntwo\nDELETE\np\n\n9 \"PUT\" \"p\" \"one\"\n9 \"PUT\" \"p\" \"two\"\n9 \"DELETE\" \"p\" \"\"\n", out);
    }

    @Test
    void e_watchFromACompactedRevisionIsCanceled() {
        both("put", "c", "1");        // 10
        both("compaction", "10");
        String out = watchBoth(null, 100, "c", "--rev=2");
        assertEquals("stderr: watch was canceled (etcdserver: mvcc: required revision has been compacted)\n"
                + "Error: watch is canceled by the server\nexit: 5\n", out);
    }
}
