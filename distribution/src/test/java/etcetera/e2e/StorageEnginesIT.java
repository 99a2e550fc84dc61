package etcetera.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Engine choice as a deployment decision, through the real launchers: a snapshot saved by
 * etcdctl from a member on one engine restores (with {@code etcetera snapshot restore}) into a
 * member on the other, and a distribution without the LMDB modules starts on the file engine.
 */
class StorageEnginesIT {

    private static final Path CLI = EtcdProcess.DISTRIBUTION.resolve("bin/etcetera");

    @TempDir
    Path dir;

    private record Exit(int status, String output) {
    }

    @Test
    void snapshotFromAFileMemberRestoresIntoAnLmdbMemberAndBack() throws Exception {
        assumeTrue(Etcdctl.installed(), "etcdctl 3.4 is not installed");
        Path fileSnapshot = dir.resolve("from-file.db");
        try (EtcdProcess server = EtcdProcess.ours(dir.resolve("file-member"), "--storage-engine=file").start()) {
            assertTrue(server.output().stream().anyMatch(l -> l.contains("engine=file")), server.output().toString());
            Etcdctl etcdctl = new Etcdctl(server.hostPort());
            for (int i = 0; i < 20; i++) {
                etcdctl.run("put", "k" + i, "from-file-" + i).ok();
            }
            etcdctl.run("del", "k0").ok();
            etcdctl.run("snapshot", "save", fileSnapshot.toString()).ok();
        }
        Exit status = cli("snapshot", "status", fileSnapshot.toString(), "-w", "json");
        assertEquals(0, status.status(), status.output());
        assertTrue(status.output().contains("\"revision\":22,"), status.output());

        Path lmdbDir = dir.resolve("lmdb-member");
        Exit restore = cli("snapshot", "restore", fileSnapshot.toString(), "--data-dir", lmdbDir.toString(), "--storage-engine", "lmdb",
                "--name", "node1", "--initial-cluster", "node1=http://127.0.0.1:2380");
        assertEquals(0, restore.status(), restore.output());
        assertEquals("lmdb\n", Files.readString(lmdbDir.resolve("member/db.engine")));
        Path lmdbSnapshot = dir.resolve("from-lmdb.db");
        try (EtcdProcess server = EtcdProcess.ours(lmdbDir).start()) {
            assertTrue(server.output().stream().anyMatch(l -> l.contains("engine=lmdb")), server.output().toString());
            Etcdctl etcdctl = new Etcdctl(server.hostPort());
            assertEquals(keys(1, 20, "from-file-"), etcdctl.run("get", "k", "--prefix", "--print-value-only").ok().stdout());
            assertEquals("from-file-0\n", etcdctl.run("get", "k0", "--rev=20", "--print-value-only").ok().stdout(),
                    "history from before the snapshot is kept");
            etcdctl.run("put", "k0", "from-lmdb").ok();
            etcdctl.run("snapshot", "save", lmdbSnapshot.toString()).ok();
        }

        Path fileDir = dir.resolve("file-again");
        restore = cli("snapshot", "restore", lmdbSnapshot.toString(), "--data-dir", fileDir.toString(), "--storage-engine", "file",
                "--name", "node1", "--initial-cluster", "node1=http://127.0.0.1:2380");
        assertEquals(0, restore.status(), restore.output());
        try (EtcdProcess server = EtcdProcess.ours(fileDir).start()) {
            assertTrue(server.output().stream().anyMatch(l -> l.contains("engine=file")), server.output().toString());
            Etcdctl etcdctl = new Etcdctl(server.hostPort());
            assertEquals("from-lmdb\n" + keys(1, 20, "from-file-"), etcdctl.run("get", "k", "--prefix", "--print-value-only").ok().stdout());
            assertEquals("from-lmdb\n", etcdctl.run("get", "k0", "--print-value-only").ok().stdout());
        }
    }

    @Test
    void restoreRefusesAnExistingDataDirAndACorruptSnapshot() throws Exception {
        Path snapshot = dir.resolve("bad.db");
        Files.write(snapshot, new byte[512 + 32]);
        Exit corrupt = cli("snapshot", "restore", snapshot.toString(), "--data-dir", dir.resolve("x").toString());
        assertEquals(1, corrupt.status());
        assertTrue(corrupt.output().contains("failed its SHA-256 check"), corrupt.output());
        assertFalse(Files.exists(dir.resolve("x")));

        Files.createDirectories(dir.resolve("exists"));
        Exit exists = cli("snapshot", "restore", snapshot.toString(), "--data-dir", dir.resolve("exists").toString(), "--skip-hash-check");
        assertEquals(1, exists.status());
        assertTrue(exists.output().contains("data-dir \"" + dir.resolve("exists") + "\" exists"), exists.output());

        Exit missing = cli("snapshot", "restore", snapshot.toString(), "--data-dir", dir.resolve("y").toString(), "--storage-engine", "rocksdb");
        assertEquals(1, missing.status());
        assertTrue(missing.output().contains("storage engine 'rocksdb' is not present; engines present: file, lmdb"), missing.output());
    }

    @Test
    void distributionWithoutLmdbStartsOnTheFileEngineAndRefusesLmdb() throws Exception {
        Path trimmed = dir.resolve("dist-without-lmdb");
        Files.createDirectories(trimmed.resolve("lib"));
        Files.createSymbolicLink(trimmed.resolve("bin"), EtcdProcess.DISTRIBUTION.resolve("bin"));
        try (Stream<Path> jars = Files.list(EtcdProcess.DISTRIBUTION.resolve("lib"))) {
            for (Path jar : jars.toList()) {
                String name = jar.getFileName().toString();
                if (!name.startsWith("etcetera-storage-lmdb") && !name.startsWith("lmdbjava")) {
                    Files.createSymbolicLink(trimmed.resolve("lib").resolve(name), jar);
                }
            }
        }
        // bin/etcd finds lib/ beside the bin/ it was started from, so start it through the link
        try (EtcdProcess server = new EtcdProcess(trimmed.resolve("bin/etcd"), dir.resolve("data"), List.of()).start()) {
            assertTrue(server.output().stream().anyMatch(l -> l.contains("engine=file")), server.output().toString());
            new Etcdctl(server.hostPort()).run("put", "a", "1").ok();
            assertEquals("1\n", new Etcdctl(server.hostPort()).run("get", "a", "--print-value-only").ok().stdout());
        }
        Process asked = new ProcessBuilder(trimmed.resolve("bin/etcd").toString(), "--data-dir=" + dir.resolve("data2"),
                "--storage-engine=lmdb", "--listen-client-urls=http://127.0.0.1:0", "--advertise-client-urls=http://127.0.0.1:2379",
                "--listen-peer-urls=http://127.0.0.1:0").redirectErrorStream(true).start();
        String output = new String(asked.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(asked.waitFor(60, TimeUnit.SECONDS), "the launcher exits");
        assertEquals(1, asked.exitValue(), output);
        assertTrue(output.contains("storage engine 'lmdb' is not present; engines present: file"), output);
    }

    private static String keys(int from, int to, String prefix) {
        List<String> values = new ArrayList<>();
        for (int i = from; i < to; i++) {
            values.add(prefix + i);
        }
        values.sort(null);
        return String.join("\n", values) + "\n";
    }

    private static Exit cli(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(CLI.toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("ETCETERA_CLI_JAVA_OPTS", "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the CLI exits");
        return new Exit(process.exitValue(), output);
    }
}
