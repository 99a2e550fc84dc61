package etcetera.e2e;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real etcdctl 3.4 (Debian's {@code etcd-client}) against an endpoint, API v3. */
final class Etcdctl {

    static final Path BINARY = Path.of("/usr/bin/etcdctl");

    /** What one etcdctl run printed and returned. */
    record Result(int exitCode, String stdout, String stderr) {
        Result ok() {
            if (exitCode != 0) {
                throw new AssertionError("etcdctl failed with exit " + exitCode + ": " + stderr + stdout);
            }
            return this;
        }

        /** The error etcdctl reported: its last {@code Error:} line (client retry logs come before it), or "". */
        String errorLine() {
            List<String> lines = stderr.lines().filter(l -> l.startsWith("Error:")).toList();
            return lines.isEmpty() ? "" : lines.getLast();
        }
    }

    private final String endpoint;

    Etcdctl(String endpoint) {
        this.endpoint = endpoint;
    }

    static boolean installed() {
        return Files.isExecutable(BINARY);
    }

    Result run(String... args) {
        return runWithInput(null, args);
    }

    Result runWithInput(String stdin, String... args) {
        List<String> command = new ArrayList<>();
        command.add(BINARY.toString());
        command.add("--endpoints=" + endpoint);
        command.add("--dial-timeout=5s");
        command.add("--command-timeout=10s");
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("ETCDCTL_API", "3");
        try {
            Path out = Files.createTempFile("etcdctl", ".out");
            Path err = Files.createTempFile("etcdctl", ".err");
            builder.redirectOutput(out.toFile()).redirectError(err.toFile());
            Process process = builder.start();
            try (OutputStream in = process.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("etcdctl " + String.join(" ", args) + " did not finish in 30 s");
            }
            Result result = new Result(process.exitValue(), Files.readString(out), Files.readString(err));
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
}
