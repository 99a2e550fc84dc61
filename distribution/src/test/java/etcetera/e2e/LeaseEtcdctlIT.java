package etcetera.e2e;

import static etcetera.e2e.Eventually.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lease commands of the real etcdctl against our server and, side by side, the real etcd
 * 3.4: the same output but for the lease IDs each server chooses (each server's own ID is put
 * into the commands that name one, and IDs are normalised in the output) and the remaining
 * seconds of a TTL (asserted within a range). Then what leases must do over time: keys vanish
 * when their lease expires, survive while a {@code lease keep-alive} runs, and lease state
 * survives a restart and a kill -9 (ours only).
 */
class LeaseEtcdctlIT {

    private static final Pattern GRANTED = Pattern.compile("lease ([0-9a-f]{16}) granted");

    @TempDir
    static Path dirs;

    private static EtcdProcess ours;
    private static EtcdProcess etcd;

    /** Per server: the lease IDs a script named, by placeholder ({L}, {S}...). */
    private final Map<EtcdProcess, Map<String, String>> ids = new HashMap<>();

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

    private Etcdctl.Result run(EtcdProcess server, String... args) {
        String[] substituted = new String[args.length];
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            for (var id : ids.getOrDefault(server, Map.of()).entrySet()) {
                arg = arg.replace(id.getKey(), id.getValue());
            }
            substituted[i] = arg;
        }
        return new Etcdctl(server.hostPort()).run(substituted);
    }

    /** Runs one command on both servers, compares, returns our result with IDs normalised. */
    private Etcdctl.Result both(String... args) {
        Etcdctl.Result mine = normalized(run(ours, args));
        if (etcd != null) {
            Etcdctl.Result theirs = normalized(run(etcd, args));
            String what = "etcdctl " + String.join(" ", args);
            assertEquals(theirs.exitCode(), mine.exitCode(), what + " exit code; ours: " + mine + " etcd: " + theirs);
            assertEquals(theirs.stdout(), mine.stdout(), what + " stdout");
            assertEquals(theirs.errorLine(), mine.errorLine(), what + " error");
        }
        return mine;
    }

    /** Grants on both servers, remembering each one's ID under {@code placeholder}; returns our output. */
    private String grant(String placeholder, String ttl) {
        String mine = null;
        String theirs = null;
        for (EtcdProcess server : servers.all()) {
            Etcdctl.Result result = run(server, "lease", "grant", ttl).ok();
            Matcher m = GRANTED.matcher(result.stdout());
            assertTrue(m.find(), result.stdout());
            ids.computeIfAbsent(server, s -> new HashMap<>()).put(placeholder, m.group(1));
            if (server == ours) {
                mine = normalized(result).stdout();
            } else {
                theirs = normalized(result).stdout();
            }
        }
        if (theirs != null) {
            assertEquals(theirs, mine, "lease grant " + ttl);
        }
        return mine;
    }

    private static Etcdctl.Result normalized(Etcdctl.Result result) {
        return new Etcdctl.Result(result.exitCode(), normalize(result.stdout()), normalize(result.stderr()));
    }

    private static String normalize(String out) {
        return out.replaceAll("\\b[0-9a-f]{16}\\b", "ID")
                .replaceAll("\"(ID|id)\":\\d+", "\"$1\":N")
                .replaceAll("remaining\\(\\d+s\\)", "remaining(Rs)")
                .replaceAll("\"raft_term\":\\d+", "\"raft_term\":T")
                .replaceAll("\"cluster_id\":\\d+", "\"cluster_id\":C")
                .replaceAll("\"member_id\":\\d+", "\"member_id\":M")
                .replaceAll("\"revision\":\\d+", "\"revision\":R");
    }

    @Test
    void leaseCommandsAnswerAsEtcdDoes() {
        assertEquals("lease ID granted with TTL(2s)\n", grant("{S}", "1"));
        assertEquals("lease ID granted with TTL(60s)\n", grant("{L}", "60"));
        assertEquals("OK\n", both("put", "--lease={L}", "la", "1").stdout());
        both("put", "--lease={L}", "lb", "2");
        both("put", "lc", "3");
        assertEquals("lease ID granted with TTL(60s), remaining(Rs), attached keys([la lb])\n",
                both("lease", "timetolive", "--keys", "{L}").stdout());
        String remaining = run(ours, "lease", "timetolive", "{L}").ok().stdout();
        assertTrue(remaining.matches("(?s).*remaining\\((5[5-9]|60)s\\).*"), remaining);
        assertEquals("lease ID keepalived with TTL(60)\n", both("lease", "keep-alive", "--once", "{L}").stdout());
        both("lease", "timetolive", "{L}", "-w", "json");
        // the 2 s lease expires on both servers; then only the 60 s one is listed
        waitUntil(() -> servers.all().stream().allMatch(s -> run(s, "lease", "list").stdout().startsWith("found 1 leases")),
                Duration.ofSeconds(10), "the 2 s lease expires");
        assertEquals("found 1 leases\nID\n", both("lease", "list").stdout());
        assertEquals("lease ID already expired\n", both("lease", "timetolive", "{S}").stdout());
        assertEquals("lease ID revoked\n", both("lease", "revoke", "{L}").stdout());
        assertEquals("lc\n3\n", both("get", "--prefix", "l").stdout());
        assertEquals("found 0 leases\n", both("lease", "list").stdout());
    }

    @Test
    void unknownLeasesGetEtcdsErrors() {
        assertEquals("lease ID already expired\n", both("lease", "timetolive", "1234").stdout());
        Etcdctl.Result keepAlive = both("lease", "keep-alive", "--once", "1234");
        assertEquals(2, keepAlive.exitCode(), "etcdctl exits 2 (ExitBadConnection) here, against etcd too");
        assertEquals("Error: etcdserver: requested lease not found", keepAlive.errorLine());
        Etcdctl.Result revoke = both("lease", "revoke", "1234");
        assertEquals("Error: failed to revoke lease (etcdserver: requested lease not found)", revoke.errorLine());
        Etcdctl.Result put = both("put", "--lease=1234", "x", "y");
        assertEquals("Error: etcdserver: requested lease not found", put.errorLine());
        assertEquals("", both("get", "x").stdout());
    }

    @Test
    void keysVanishWhenTheLeaseExpiresAndSurviveWhileKeptAlive() throws Exception {
        Etcdctl etcdctl = new Etcdctl(ours.hostPort());
        String id = leaseId(etcdctl.run("lease", "grant", "2").ok().stdout());
        etcdctl.run("put", "--lease=" + id, "kept", "v").ok();
        Path printedFile = dirs.resolve("keep-alive.out");
        ProcessBuilder builder = new ProcessBuilder(Etcdctl.BINARY.toString(), "--endpoints=" + ours.hostPort(), "lease", "keep-alive", id)
                .redirectErrorStream(true).redirectOutput(printedFile.toFile());
        builder.environment().put("ETCDCTL_API", "3");
        Process keepAlive = builder.start();
        try {
            // three TTLs: without the keep-alives it would be gone
            long until = System.nanoTime() + Duration.ofSeconds(6).toNanos();
            while (System.nanoTime() - until < 0) {
                assertEquals("kept\nv\n", etcdctl.run("get", "kept").ok().stdout());
                keepAlive.waitFor(500, java.util.concurrent.TimeUnit.MILLISECONDS);
            }
        } finally {
            keepAlive.destroy();
            keepAlive.waitFor();
        }
        String printed = java.nio.file.Files.readString(printedFile);
        assertTrue(printed.startsWith("lease " + id + " keepalived with TTL(2)\n"), printed);
        waitUntil(() -> etcdctl.run("get", "kept").ok().stdout().isEmpty(), Duration.ofSeconds(6), "the key vanishes once keep-alives stop");
        assertEquals("lease " + id + " already expired\n", etcdctl.run("lease", "timetolive", id).ok().stdout());
    }

    @Test
    void leasesSurviveARestartAndAKill9() {
        Etcdctl etcdctl = new Etcdctl(ours.hostPort());
        String longLease = leaseId(etcdctl.run("lease", "grant", "300").ok().stdout());
        String shortLease = leaseId(etcdctl.run("lease", "grant", "3").ok().stdout());
        etcdctl.run("put", "--lease=" + longLease, "d1", "v").ok();
        etcdctl.run("put", "--lease=" + longLease, "d2", "v").ok();
        etcdctl.run("put", "--lease=" + shortLease, "d3", "v").ok();
        ours.stop();
        ours.start();
        assertTrue(etcdctl.run("lease", "timetolive", "--keys", longLease).ok().stdout()
                .matches("lease " + longLease + " granted with TTL\\(300s\\), remaining\\(\\d+s\\), attached keys\\(\\[d1 d2\\]\\)\n"));
        etcdctl.run("put", "--lease=" + longLease, "d4", "v").ok();
        ours.kill9();
        ours.start();
        assertTrue(etcdctl.run("lease", "timetolive", "--keys", longLease).ok().stdout().endsWith("attached keys([d1 d2 d4])\n"));
        // the short lease restarted its TTL at each start, then expires: its key goes, the others stay
        waitUntil(() -> etcdctl.run("get", "d3").ok().stdout().isEmpty(), Duration.ofSeconds(10), "the 3 s lease expires after the restart");
        assertEquals("d1\nd2\nd4\n", etcdctl.run("get", "--prefix", "d", "--keys-only").ok().stdout().replace("\n\n", "\n"));
        assertEquals("lease " + longLease + " revoked\n", etcdctl.run("lease", "revoke", longLease).ok().stdout());
        ours.kill9();
        ours.start();
        assertEquals("", etcdctl.run("get", "--prefix", "d").ok().stdout());
        String listed = etcdctl.run("lease", "list").ok().stdout();
        assertTrue(!listed.contains(longLease) && !listed.contains(shortLease), listed);
    }

    private static String leaseId(String grantOutput) {
        Matcher m = GRANTED.matcher(grantOutput);
        assertTrue(m.find(), grantOutput);
        return m.group(1);
    }
}
