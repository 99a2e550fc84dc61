package etcetera.cli.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import etcetera.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Runs {@code etcetera benchmark} against the real etcd 3.4 and checks what it reports. */
@Timeout(120)
final class BenchmarkAgainstEtcdTest {

    @TempDir
    static Path dataDir;

    private static EtcdProcess etcd;

    @BeforeAll
    static void startEtcd() throws IOException {
        assumeTrue(EtcdProcess.installed(), "etcd is not installed at " + EtcdProcess.BINARY);
        etcd = EtcdProcess.start(dataDir.resolve("etcd"), Duration.ofSeconds(30));
    }

    @AfterAll
    static void stopEtcd() {
        if (etcd != null) {
            etcd.close();
        }
    }

    @Test
    void putWithSharedConnectionsCompletesEveryRequest() {
        var run = run("benchmark", "put", "--endpoints", etcd.endpoint(),
                "--total", "200", "--clients", "4", "--conns", "2");

        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("Requests:\t200 ok, 0 failed."), run.toString());
        assertTrue(run.out().contains("Requests/sec:"), run.toString());
        assertTrue(run.out().contains("99.9% in "), run.toString());
    }

    @Test
    void serializableRangeCompletesEveryRequest() {
        var run = run("benchmark", "range", "foo", "--endpoints", etcd.endpoint(),
                "--total", "200", "--consistency", "s");

        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().startsWith("bench with serializable range\n"), run.toString());
        assertTrue(run.out().contains("Requests:\t200 ok, 0 failed."), run.toString());
    }

    @Test
    void leaseKeepAliveCompletesEveryRequest() {
        var run = run("benchmark", "lease-keepalive", "--endpoints", etcd.endpoint(),
                "--total", "200", "--clients", "4", "--conns", "2");

        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("Requests:\t200 ok, 0 failed."), run.toString());
    }

    @Test
    void globalOptionsBeforeTheSubcommandAndJsonOutput() {
        var run = run("benchmark", "--endpoints", etcd.endpoint(), "--clients", "2", "--json",
                "range", "foo", "bar", "--total", "50");

        assertEquals(0, run.exitCode(), run.toString());
        List<String> lines = run.out().lines().toList();
        assertEquals(1, lines.size(), run.toString());
        String json = lines.getFirst();
        assertTrue(json.startsWith("{\"command\":\"range\",\"requests\":50,\"errors\":0,"), json);
        assertTrue(json.contains("\"latency_secs\":{\"p10\":"), json);
        assertTrue(json.endsWith("\"first_error\":null}"), json);
    }

    @Test
    void unreachableServerFailsWithFirstErrorAndExitCodeOne() {
        var run = run("benchmark", "put", "--endpoints", "127.0.0.1:" + EtcdProcess.freePort(), "--total", "3");

        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.out().contains("Requests:\t0 ok, 3 failed."), run.toString());
        assertTrue(run.err().contains("benchmark: 3 of 3 requests failed; first error: rpc error: code = Unavailable"),
                run.toString());
    }

    @Test
    void badConsistencyIsAUsageError() {
        var run = run("benchmark", "range", "foo", "--endpoints", etcd.endpoint(), "--consistency", "x");

        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.err().contains("--consistency must be l (linearizable) or s (serializable), got x"),
                run.toString());
    }

    private static Run run(String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8),
                new ArrayList<>(List.of(args)));
    }

    private record Run(int exitCode, String out, String err, List<String> args) {
    }
}
