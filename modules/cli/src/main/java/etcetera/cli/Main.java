package etcetera.cli;

import etcetera.cli.benchmark.BenchmarkCommand;
import etcetera.cli.snapshot.SnapshotCommand;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Entry point of {@code bin/etcetera}: dispatches the project's own commands, such as
 * {@code benchmark}. Stateless apart from what picocli injects for one invocation.
 */
@Command(
        name = "etcetera",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Etcetera's own tools.",
        subcommands = {BenchmarkCommand.class, SnapshotCommand.class})
public final class Main implements Runnable {

    @Spec
    private CommandSpec spec;

    /** Runs a command and exits with its exit code: 0 on success, 1 on failed requests, 2 on bad usage. */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs a command with the given streams and returns its exit code (for launchers and tests). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        var stdout = new PrintWriter(out, true, StandardCharsets.UTF_8);
        var stderr = new PrintWriter(err, true, StandardCharsets.UTF_8);
        int code = new CommandLine(new Main()).setOut(stdout).setErr(stderr).execute(args);
        stdout.flush();
        stderr.flush();
        return code;
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command");
    }

    /** The version shown by {@code --version}: the jar's implementation version when packaged. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"etcetera " + (version == null ? "(development build)" : version)};
        }
    }
}
