package etcetera.cli.snapshot;

import etcetera.api.storage.StorageEngine;
import etcetera.api.storage.StorageEngineCatalog;
import etcetera.api.storage.StorageException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code etcetera snapshot}: offline tools for snapshot files, with etcdctl's command and flag
 * names. One instance per invocation, used by the invoking thread.
 */
@Command(
        name = "snapshot",
        mixinStandardHelpOptions = true,
        description = "Offline tools for snapshot files saved with `etcdctl snapshot save`.",
        subcommands = {SnapshotCommand.Status.class, SnapshotCommand.Restore.class})
public final class SnapshotCommand implements Runnable {

    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command: status or restore");
    }

    /** {@code snapshot status <file> [-w simple|table|json]}: what the snapshot holds. */
    @Command(name = "status", mixinStandardHelpOptions = true, description = "Gets backend snapshot status of a given file.")
    static final class Status implements Callable<Integer> {

        @Spec
        private CommandSpec spec;

        @Parameters(index = "0", paramLabel = "<filename>")
        private Path file;

        @Option(names = {"-w", "--write-out"}, defaultValue = "simple",
                description = "Output format: simple, table or json. Default: ${DEFAULT-VALUE}.")
        private String writeOut;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (!List.of("simple", "table", "json").contains(writeOut)) {
                throw new ParameterException(spec.commandLine(), "unsupported output format " + writeOut + " (simple, table, json)");
            }
            SnapshotSummary s;
            try {
                s = SnapshotSummary.of(SnapshotFile.open(file, false), (done, total) -> { });
            } catch (StorageException e) {
                err.println("Error: " + e.getMessage());
                return 1;
            }
            String hash = "%x".formatted(s.hash());
            String size = humanBytes(s.totalSize());
            switch (writeOut) {
                case "json" -> out.println("{\"hash\":" + s.hash() + ",\"revision\":" + s.revision() + ",\"totalKey\":" + s.totalKey()
                        + ",\"totalSize\":" + s.totalSize() + "}");
                case "table" -> printTable(out, List.of("HASH", "REVISION", "TOTAL KEYS", "TOTAL SIZE"),
                        List.of(hash, Long.toString(s.revision()), Long.toString(s.totalKey()), size));
                default -> out.println(hash + ", " + s.revision() + ", " + s.totalKey() + ", " + size);
            }
            return 0;
        }

        private static void printTable(PrintWriter out, List<String> header, List<String> row) {
            int[] widths = new int[header.size()];
            for (int i = 0; i < widths.length; i++) {
                widths[i] = Math.max(header.get(i).length(), row.get(i).length()) + 2;
            }
            StringBuilder rule = new StringBuilder("+");
            for (int width : widths) {
                rule.append("-".repeat(width)).append('+');
            }
            out.println(rule);
            out.println(tableRow(header, widths, true));
            out.println(rule);
            out.println(tableRow(row, widths, false));
            out.println(rule);
        }

        private static String tableRow(List<String> cells, int[] widths, boolean centre) {
            StringBuilder line = new StringBuilder("|");
            for (int i = 0; i < widths.length; i++) {
                String cell = cells.get(i);
                int pad = widths[i] - cell.length();
                int left = centre ? pad / 2 : 1;
                line.append(" ".repeat(left)).append(cell).append(" ".repeat(pad - left)).append('|');
            }
            return line.toString();
        }

        /** Sizes as etcdctl prints them (go-humanize: SI units, e.g. "2.1 MB"). */
        static String humanBytes(long bytes) {
            if (bytes < 10) {
                return bytes + " B";
            }
            String[] units = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
            int exponent = (int) Math.floor(Math.log(bytes) / Math.log(1000));
            double value = Math.floor(bytes / Math.pow(1000, exponent) * 10 + 0.5) / 10;
            return (value < 10 ? "%.1f %s" : "%.0f %s").formatted(value, units[exponent]);
        }
    }

    /** {@code snapshot restore <file> --data-dir ...}: a new member's data dir from a snapshot. */
    @Command(name = "restore", mixinStandardHelpOptions = true,
            description = "Restores an etcd member snapshot to an etcd directory, for any storage engine present.")
    static final class Restore implements Callable<Integer> {

        @Spec
        private CommandSpec spec;

        @Parameters(index = "0", paramLabel = "<filename>")
        private Path file;

        @Option(names = "--data-dir", description = "Path to the data directory (default: <name>.etcd).")
        private Path dataDir;

        @Option(names = "--storage-engine", defaultValue = "",
                description = "Storage engine of the restored member (default: the preferred engine present).")
        private String storageEngine;

        @Option(names = "--name", defaultValue = "default", description = "Human-readable name for this member. Default: ${DEFAULT-VALUE}.")
        private String name;

        @Option(names = "--initial-cluster", defaultValue = "default=http://localhost:2380",
                description = "Initial cluster configuration for restore bootstrap. Default: ${DEFAULT-VALUE}.")
        private String initialCluster;

        @Option(names = "--initial-cluster-token", defaultValue = "etcd-cluster",
                description = "Initial cluster token for the etcd cluster during restore bootstrap. Default: ${DEFAULT-VALUE}.")
        private String initialClusterToken;

        @Option(names = "--initial-advertise-peer-urls", defaultValue = "http://localhost:2380",
                description = "List of this member's peer URLs to advertise to the rest of the cluster. Default: ${DEFAULT-VALUE}.")
        private String initialAdvertisePeerUrls;

        @Option(names = "--skip-hash-check", description = "Ignore snapshot integrity hash value (required if copied from data directory).")
        private boolean skipHashCheck;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            boolean named = Arrays.stream(initialCluster.split(",")).anyMatch(m -> m.startsWith(name + "="));
            if (!named) {
                err.println("Error: --initial-cluster has no member named \"" + name + "\" (--name)");
                return 1;
            }
            StorageEngine engine;
            if (storageEngine.isEmpty()) {
                engine = StorageEngineCatalog.present().stream().findFirst().orElse(null);
                if (engine == null) {
                    err.println("Error: no storage engine module is present in this distribution");
                    return 1;
                }
            } else {
                engine = StorageEngineCatalog.named(storageEngine).orElse(null);
                if (engine == null) {
                    err.println("Error: storage engine '" + storageEngine + "' is not present; engines present: "
                            + StorageEngineCatalog.presentNames());
                    return 1;
                }
            }
            Path target = dataDir != null ? dataDir : Path.of(name + ".etcd");
            ProgressLine progress = new ProgressLine(err, "restoring snapshot", "bytes");
            long entries;
            try {
                entries = RestoredDataDir.write(SnapshotFile.open(file, skipHashCheck), target, engine, progress);
            } catch (StorageException e) {
                progress.finish();
                err.println("Error: " + e.getMessage());
                return 1;
            }
            progress.finish();
            out.println("restored snapshot " + file + " into " + target + " (storage engine " + engine.name() + ", " + entries + " entries)");
            out.println("start the member with --data-dir " + target + " --name " + name + " --initial-cluster " + initialCluster
                    + " --initial-cluster-token " + initialClusterToken + " --initial-advertise-peer-urls " + initialAdvertisePeerUrls
                    + ": it takes its identity from them at its first start");
            return 0;
        }
    }
}
