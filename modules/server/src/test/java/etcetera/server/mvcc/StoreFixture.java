package etcetera.server.mvcc;

import etcetera.api.storage.Backend;
import etcetera.api.storage.BackendOptions;
import etcetera.api.storage.StorageEngine;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;

/**
 * An MVCC store on the real {@code file} storage engine in a directory, that can be closed and
 * reopened as a restart would. Owned by one test.
 */
final class StoreFixture implements AutoCloseable {

    static final byte[] NONE = new byte[0];
    static final byte[] FROM_KEY = {0};

    private final Path directory;
    private final MvccOptions options;
    private Backend backend;
    private MvccStore store;
    private long appliedIndex;

    StoreFixture(Path directory) {
        this(directory, MvccOptions.defaults());
    }

    StoreFixture(Path directory, MvccOptions options) {
        this.directory = directory;
        this.options = options;
        open();
    }

    /** Opens the backend in {@code directory} with the {@code file} engine. */
    static Backend openBackend(Path directory, BackendOptions options) {
        return engine().open(directory, options);
    }

    static StorageEngine engine() {
        return ServiceLoader.load(StorageEngine.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(e -> e.name().equals("file"))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("storage engine 'file' not found"));
    }

    private void open() {
        backend = openBackend(directory, new BackendOptions(false, 0));
        store = MvccStore.open(backend, options);
        appliedIndex = store.consistentIndex();
    }

    MvccStore store() {
        return store;
    }

    Backend backend() {
        return backend;
    }

    /** Closes the store and the backend and opens them again from the directory. */
    void reopen() {
        close();
        open();
    }

    /** Runs one write transaction and commits it as one applied log entry. */
    List<Event> apply(java.util.function.Consumer<WriteTxn> body) {
        WriteTxn txn = store.write();
        body.accept(txn);
        List<Event> events = txn.end();
        store.commit(++appliedIndex);
        return events;
    }

    long put(String key, String value) {
        apply(txn -> txn.put(b(key), b(value), 0));
        return store.currentRevision();
    }

    long delete(String key, String end) {
        long[] n = {0};
        apply(txn -> n[0] = txn.deleteRange(b(key), end == null ? NONE : b(end)));
        return n[0];
    }

    CompactionResult compact(long revision) {
        CompactionResult result = store.compact(revision);
        store.commit(++appliedIndex);
        return result;
    }

    RangeResult range(String key, byte[] end, long rev) {
        try (ReadView view = store.read()) {
            return view.range(b(key), end, rev, 0, false);
        }
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String s(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        try {
            store.close();
        } finally {
            backend.close();
        }
    }
}
