package etcetera.cli.benchmark;

import com.google.protobuf.ByteString;
import etcetera.wire.etcdserverpb.KVGrpc;
import etcetera.wire.etcdserverpb.RangeRequest;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code benchmark range KEY [END]}: reads the key (or the range [KEY, END)) {@code --total}
 * times through KV/Range, linearizable ({@code l}, the default) or serializable ({@code s}).
 */
@Command(name = "range", mixinStandardHelpOptions = true, description = "Benchmark range.")
final class RangeBenchmark implements Callable<Integer> {

    @ParentCommand
    private BenchmarkCommand benchmark;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "KEY", description = "Key to read, or first key of the range.")
    private String key;

    @Parameters(index = "1", arity = "0..1", paramLabel = "END", description = "End of the range (exclusive).")
    private String end;

    @Option(names = "--total", defaultValue = "10000", description = "Total number of range requests. Default: ${DEFAULT-VALUE}.")
    private long total;

    @Option(names = "--consistency", defaultValue = "l", description = "Linearizable (l) or Serializable (s). Default: ${DEFAULT-VALUE}.")
    private String consistency;

    @Override
    public Integer call() {
        boolean serializable = switch (consistency) {
            case "l" -> false;
            case "s" -> true;
            default -> throw new ParameterException(spec.commandLine(),
                    "--consistency must be l (linearizable) or s (serializable), got " + consistency);
        };
        if (!benchmark.json()) {
            spec.commandLine().getOut().println(
                    "bench with " + (serializable ? "serializable" : "linearizable") + " range");
        }
        var request = RangeRequest.newBuilder()
                .setKey(ByteString.copyFromUtf8(key))
                .setRangeEnd(end == null ? ByteString.EMPTY : ByteString.copyFromUtf8(end))
                .setSerializable(serializable)
                .build();
        return benchmark.execute(spec, total, channel -> {
            var kv = KVGrpc.newBlockingStub(channel);
            return seq -> kv.range(request);
        });
    }
}
