package etcetera.raft.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A writer killed at an arbitrary point loses nothing it had synced, and leaves no garbage. */
class WalCrashTest {

    private static final long SEGMENT_BYTES = 16 * 1024;

    @TempDir
    Path tmp;

    @Test
    @Timeout(120)
    void everyIndexSyncedBeforeAKillIsReplayed() throws Exception {
        Path dir = tmp.resolve("wal");
        long seed = System.nanoTime();
        // the seed picks how many synced lines each round waits for; where the kill lands is up to the scheduler
        System.out.println("WalCrashTest seed=" + seed);
        java.util.Random random = new java.util.Random(seed);
        long lastSynced = 0;
        for (int round = 0; round < 3; round++) {
            int killAfter = 50 + random.nextInt(400);
            long printed = runAndKill(dir, killAfter);
            assertTrue(printed > lastSynced, "round " + round + " printed " + printed);
            lastSynced = printed;
            try (Wal wal = Wal.open(dir, WalOptions.defaults().withSegmentBytes(SEGMENT_BYTES))) {
                WalContents c = wal.readAll(0);
                assertTrue(c.entries().size() >= lastSynced,
                        "round " + round + ": synced up to " + lastSynced + " but replayed " + c.entries().size());
                for (int i = 0; i < c.entries().size(); i++) {
                    var e = c.entries().get(i);
                    assertEquals(i + 1, e.index());
                    assertEquals(WalFiles.describe(List.of(WalFiles.entry(e.index(), 1, e.data().length))),
                            WalFiles.describe(List.of(e)), "entry " + e.index() + " is garbage");
                }
                lastSynced = c.entries().size();
            }
        }
        assertTrue(WalFiles.segmentFiles(dir).size() > 1, "the child should have cut segments");
    }

    /** Starts the child, kills it after it printed {@code lines} synced indexes, returns the last one. */
    private long runAndKill(Path dir, int lines) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.add("-cp");
        command.add(childClassPath());
        command.add(WalCrashChild.class.getName());
        command.add(dir.toString());
        command.add(Long.toString(SEGMENT_BYTES));
        Process child = new ProcessBuilder(command).redirectError(tmp.resolve("child-stderr.txt").toFile()).start();
        long last = 0;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            int seen = 0;
            while (seen < lines && (line = out.readLine()) != null) {
                if (line.startsWith("synced ")) {
                    last = Long.parseLong(line.substring(7));
                    seen++;
                }
            }
            // the kill lands wherever the child is: mid-append, mid-sync, mid-cut
        } finally {
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "child did not die");
        }
        assertTrue(last > 0, "child printed nothing; see " + tmp.resolve("child-stderr.txt"));
        return last;
    }

    /** The test's own classes and the module under test, on a plain class path. */
    private static String childClassPath() {
        Set<String> entries = new LinkedHashSet<>();
        for (Class<?> c : new Class<?>[] {WalCrashChild.class, Wal.class, etcetera.raft.Entry.class}) {
            entries.add(Path.of(toUri(c)).toString());
        }
        Stream.of(System.getProperty("jdk.module.path", ""), System.getProperty("java.class.path", ""))
                .flatMap(p -> Stream.of(p.split(File.pathSeparator)))
                .filter(p -> !p.isBlank())
                .forEach(entries::add);
        return String.join(File.pathSeparator, entries);
    }

    private static java.net.URI toUri(Class<?> c) {
        try {
            return c.getProtectionDomain().getCodeSource().getLocation().toURI();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
