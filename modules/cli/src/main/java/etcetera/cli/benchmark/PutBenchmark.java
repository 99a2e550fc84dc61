package etcetera.cli.benchmark;

import com.google.protobuf.ByteString;
import etcetera.wire.etcdserverpb.KVGrpc;
import etcetera.wire.etcdserverpb.PutRequest;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code benchmark put}: writes {@code --total} keys through KV/Put. As in etcd's tool, a key
 * is {@code --key-size} bytes holding the key number (zig-zag varint, zero padded), drawn at
 * random or in sequence from {@code --key-space-size} numbers; every put carries the same
 * random value of {@code --val-size} bytes.
 */
@Command(name = "put", mixinStandardHelpOptions = true, description = "Benchmark put.")
final class PutBenchmark implements Callable<Integer> {

    @ParentCommand
    private BenchmarkCommand benchmark;

    @Spec
    private CommandSpec spec;

    @Option(names = "--total", defaultValue = "10000", description = "Total number of put requests. Default: ${DEFAULT-VALUE}.")
    private long total;

    @Option(names = "--key-size", defaultValue = "8", description = "Key size of put request. Default: ${DEFAULT-VALUE}.")
    private int keySize;

    @Option(names = "--val-size", defaultValue = "8", description = "Value size of put request. Default: ${DEFAULT-VALUE}.")
    private int valSize;

    @Option(names = "--key-space-size", defaultValue = "1", description = "Maximum possible keys. Default: ${DEFAULT-VALUE}.")
    private long keySpaceSize;

    @Option(names = "--sequential-keys", description = "Use sequential keys instead of random ones.")
    private boolean sequentialKeys;

    @Override
    public Integer call() {
        if (keySpaceSize <= 0) {
            throw new ParameterException(spec.commandLine(), "expected positive --key-space-size, got " + keySpaceSize);
        }
        if (valSize < 0 || varintSize(zigZag(keySpaceSize - 1)) > keySize) {
            throw new ParameterException(spec.commandLine(),
                    "--key-size " + keySize + " cannot hold " + keySpaceSize + " distinct keys");
        }
        var valueBytes = new byte[valSize];
        ThreadLocalRandom.current().nextBytes(valueBytes);
        ByteString value = ByteString.copyFrom(valueBytes);
        long space = keySpaceSize;
        boolean sequential = sequentialKeys;
        int size = keySize;

        return benchmark.execute(spec, total, channel -> {
            var kv = KVGrpc.newBlockingStub(channel);
            return seq -> {
                long number = sequential ? seq % space : ThreadLocalRandom.current().nextLong(space);
                kv.put(PutRequest.newBuilder().setKey(key(number, size)).setValue(value).build());
            };
        });
    }

    static ByteString key(long number, int size) {
        var bytes = new byte[size];
        long rest = zigZag(number);
        for (int i = 0; rest != 0; i++) {
            bytes[i] = (byte) ((rest & 0x7f) | (rest >= 0x80 ? 0x80 : 0));
            rest >>>= 7;
        }
        return ByteString.copyFrom(bytes);
    }

    private static long zigZag(long n) {
        return (n << 1) ^ (n >> 63);
    }

    private static int varintSize(long value) {
        int bytes = 1;
        for (long rest = value >>> 7; rest != 0; rest >>>= 7) {
            bytes++;
        }
        return bytes;
    }
}
