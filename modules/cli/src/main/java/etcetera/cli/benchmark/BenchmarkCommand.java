package etcetera.cli.benchmark;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code etcetera benchmark}: a low-level load generator for etcd's v3 gRPC API, modelled on
 * etcd's own benchmark tool (same flags and summary), so that Etcetera and etcd can be
 * measured with the same client. Holds the options shared by every subcommand (they may be
 * given before or after the subcommand name) and runs a subcommand's {@link Workload}.
 * One instance per invocation, used by the invoking thread.
 */
@Command(
        name = "benchmark",
        mixinStandardHelpOptions = true,
        description = "A low-level benchmark tool for etcd's v3 API, using gRPC directly.",
        subcommands = {PutBenchmark.class, RangeBenchmark.class, LeaseKeepAliveBenchmark.class, WatchLatencyBenchmark.class})
public final class BenchmarkCommand implements Runnable {

    /** Exit code when at least one request failed. */
    static final int FAILED_REQUESTS = 1;

    @Spec
    private CommandSpec spec;

    @Option(names = "--endpoints", split = ",", defaultValue = "127.0.0.1:2379", scope = ScopeType.INHERIT,
            description = "gRPC endpoints, comma separated (host:port or http://host:port). Default: ${DEFAULT-VALUE}.")
    private List<String> endpoints;

    @Option(names = "--clients", defaultValue = "1", scope = ScopeType.INHERIT,
            description = "Number of concurrent clients, each with one request in flight. Default: ${DEFAULT-VALUE}.")
    private int clients;

    @Option(names = "--conns", defaultValue = "1", scope = ScopeType.INHERIT,
            description = "Number of gRPC connections, shared round-robin by the clients. Default: ${DEFAULT-VALUE}.")
    private int conns;

    @Option(names = "--json", scope = ScopeType.INHERIT,
            description = "Print the results as one JSON object instead of the text summary.")
    private boolean json;

    @Option(names = "--request-timeout", defaultValue = "30s", converter = GoDuration.class,
            scope = ScopeType.INHERIT,
            description = "Deadline of each request; a request past it counts as failed. Default: ${DEFAULT-VALUE}.")
    private Duration requestTimeout;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing benchmark: put, range, lease-keepalive or watch-latency");
    }

    boolean json() {
        return json;
    }

    /**
     * Runs {@code total} requests of {@code workload} with the shared options, prints the
     * summary and returns the exit code: 0 when every request succeeded, 1 otherwise (after
     * printing the first error on stderr).
     */
    int execute(CommandSpec command, long total, Workload workload) {
        if (clients < 1 || total < 1) {
            throw new ParameterException(command.commandLine(), "--clients, --conns and --total must be at least 1");
        }
        return executeOwn(command, total, pool -> new LoadRun(pool, clients, total, requestTimeout).run(command.name(), workload));
    }

    /**
     * Runs a benchmark that drives the connections itself ({@code run} gets them connected),
     * prints its summary and returns the exit code as above; {@code total} is what the summary
     * counts (requests or events).
     */
    int executeOwn(CommandSpec command, long total, java.util.function.Function<ChannelPool, Summary> run) {
        if (conns < 1) {
            throw new ParameterException(command.commandLine(), "--clients, --conns and --total must be at least 1");
        }
        if (requestTimeout.isZero() || requestTimeout.isNegative()) {
            throw new ParameterException(command.commandLine(), "--request-timeout must be positive");
        }
        List<Endpoint> parsed;
        try {
            parsed = endpoints.stream().filter(e -> !e.isBlank()).map(Endpoint::parse).toList();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(command.commandLine(), e.getMessage(), e);
        }
        if (parsed.isEmpty()) {
            throw new ParameterException(command.commandLine(), "--endpoints is empty");
        }

        Summary summary;
        try (var pool = new ChannelPool(parsed, conns)) {
            pool.connect(requestTimeout);
            summary = run.apply(pool);
        }

        PrintWriter out = command.commandLine().getOut();
        out.println(json ? summary.json() : summary.text());
        out.flush();
        if (summary.failed() > 0) {
            PrintWriter err = command.commandLine().getErr();
            err.println("benchmark: " + summary.failed() + " of " + total + " requests failed; first error: "
                    + summary.firstError().orElse("(none recorded)"));
            err.flush();
            return FAILED_REQUESTS;
        }
        return 0;
    }

    /** The deadline of each request ({@code --request-timeout}). */
    Duration requestTimeout() {
        return requestTimeout;
    }

    /** The number of connections ({@code --conns}). */
    int conns() {
        return conns;
    }
}
