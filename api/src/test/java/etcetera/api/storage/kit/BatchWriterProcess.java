package etcetera.api.storage.kit;

import etcetera.api.storage.Backend;
import etcetera.api.storage.BackendOptions;
import etcetera.api.storage.StorageEngine;
import etcetera.api.storage.WriteBatch;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ServiceLoader;

/**
 * The writer process of the conformance kit's kill -9 test: opens the engine named on the
 * command line through {@link ServiceLoader}, then commits numbered batches forever, printing
 * {@code committed N} on stdout after the commit of batch N has returned. The test kills it
 * at some point and checks that every printed batch is complete in the store and that no
 * batch is partly present. Single-threaded.
 *
 * <p>Arguments: engine name, directory, {@code sync} or {@code nosync}.
 */
public final class BatchWriterProcess {

    /** Keys each batch puts; big enough that a kill often lands in the middle of a commit. */
    static final int KEYS_PER_BATCH = 200;
    static final String BUCKET = "crash";
    static final String META = "crash-meta";
    static final byte[] LAST_KEY = "last".getBytes(StandardCharsets.UTF_8);

    private BatchWriterProcess() {
    }

    public static void main(String[] args) {
        String name = args[0];
        Path directory = Path.of(args[1]);
        boolean sync = args[2].equals("sync");
        StorageEngine engine = ServiceLoader.load(StorageEngine.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(e -> e.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no storage engine named " + name));
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try (Backend backend = engine.open(directory, new BackendOptions(sync, 0));
             WriteBatch batch = backend.write()) {
            batch.createBucket(BUCKET);
            batch.createBucket(META);
            batch.commit();
            out.println("ready");
            for (int n = 0; ; n++) {
                for (int i = 0; i < KEYS_PER_BATCH; i++) {
                    batch.put(BUCKET, key(n, i), value(n, i));
                }
                batch.put(META, LAST_KEY, Integer.toString(n).getBytes(StandardCharsets.UTF_8));
                batch.commit();
                out.println("committed " + n);
            }
        }
    }

    static byte[] key(int batch, int index) {
        return "b%08d/%04d".formatted(batch, index).getBytes(StandardCharsets.UTF_8);
    }

    static byte[] value(int batch, int index) {
        // Values of a few hundred bytes, so that a batch spans several file system pages.
        byte[] value = new byte[300];
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) (batch * 31 + index * 7 + i);
        }
        return value;
    }
}
