package etcetera.robustness.run;

import etcetera.robustness.check.HistoryChecker;
import etcetera.robustness.check.Verdict;
import etcetera.robustness.history.HistoryFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code robustness}: records a history against a cluster of real processes under faults (or
 * against given endpoints), checks it and writes the report; or re-checks a saved history.
 * Exit status 0 if the history is proven linearizable with nothing lost, 1 on a violation,
 * 2 if the check could not decide.
 */
@Command(name = "robustness", mixinStandardHelpOptions = true,
        description = "Record a KV/watch history under faults and check linearizability and watch guarantees.")
public final class Main implements Callable<Integer> {

    @Option(names = "--binary", description = "server to start (our bin/etcd or /usr/bin/etcd)", defaultValue = "distribution/target/etcetera/bin/etcd")
    Path binary;

    @Option(names = "--members", defaultValue = "1", description = "cluster size (default ${DEFAULT-VALUE})")
    int members;

    @Option(names = "--endpoints", split = ",", description = "drive an existing cluster (host:port,...) instead of starting one; no faults")
    List<String> endpoints;

    @Option(names = "--duration", defaultValue = "PT60S", description = "ISO-8601 duration of the workload (default ${DEFAULT-VALUE})")
    Duration duration;

    @Option(names = "--clients", defaultValue = "8")
    int clients;

    @Option(names = "--keys", defaultValue = "20")
    int keys;

    @Option(names = "--watchers", defaultValue = "2")
    int watchers;

    @Option(names = "--request-timeout", defaultValue = "PT2S")
    Duration requestTimeout;

    @Option(names = "--faults", split = ",", description = "fault kinds: ${COMPLETION-CANDIDATES}")
    List<FaultKind> faults = List.of();

    @Option(names = "--fault-interval", defaultValue = "PT10S")
    Duration faultInterval;

    @Option(names = "--fault-hold", defaultValue = "PT3S")
    Duration faultHold;

    @Option(names = "--seed", description = "random seed (default: the time)")
    Long seed;

    @Option(names = "--out", description = "fresh directory for the data dirs, logs, history and report (default target/robustness/run-<seed>)")
    Path out;

    @Option(names = "--check", description = "only check this saved history.jsonl")
    Path check;

    @Override
    public Integer call() throws Exception {
        if (check != null) {
            HistoryChecker.Report report = new HistoryChecker().check(HistoryFile.read(check));
            System.out.println(report.summary());
            report.anomalies().forEach(System.out::println);
            return exitStatus(report.verdict());
        }
        long s = seed != null ? seed : System.currentTimeMillis();
        Workload workload = new Workload(clients, keys, watchers, duration, requestTimeout, "rb/", s);
        System.out.println("seed " + s);
        Path out = this.out != null ? this.out : Path.of("target/robustness/run-" + s);
        RunReport report = endpoints != null
                ? RobustnessRun.runAgainst(endpoints, workload, out)
                : RobustnessRun.run(new RobustnessRun.Options(binary.toAbsolutePath(), members, workload, faults, faultInterval, faultHold,
                        out.toAbsolutePath()));
        System.out.print(report.text());
        return exitStatus(report.verdict());
    }

    private static int exitStatus(Verdict verdict) {
        return switch (verdict) {
            case OK -> 0;
            case VIOLATION -> 1;
            case UNKNOWN -> 2;
        };
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
    }
}
