package etcetera.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad start-up configuration: a clear message and exit status 1, through the real launcher. */
class StartupErrorsIT {

    @TempDir
    Path dataDir;

    private record Exit(int status, String output) {
    }

    private static Exit run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(EtcdProcess.OURS.toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the launcher exits");
        return new Exit(process.exitValue(), output);
    }

    @Test
    void unknownFlagExitsOneWithEtcdsMessage() throws Exception {
        Exit exit = run("--no-such-flag");
        assertEquals(1, exit.status());
        assertTrue(exit.output().contains("flag provided but not defined: -no-such-flag"), exit.output());
    }

    @Test
    void missingStorageEngineNamesTheEnginesPresent() throws Exception {
        Exit exit = run("--data-dir=" + dataDir, "--storage-engine=rocksdb", "--listen-client-urls=http://127.0.0.1:0",
                "--advertise-client-urls=http://127.0.0.1:2379", "--listen-peer-urls=http://127.0.0.1:0");
        assertEquals(1, exit.status());
        assertTrue(exit.output().contains("storage engine 'rocksdb' is not present; engines present: file, lmdb"), exit.output());
    }

    @Test
    void versionPrintsEtcdsFirstLine() throws Exception {
        Exit exit = run("--version");
        assertEquals(0, exit.status());
        assertTrue(exit.output().startsWith("etcd Version: 3.4.23\n"), exit.output());
    }
}
