package etcetera.server.watch;

import etcetera.api.storage.Backend;
import etcetera.api.storage.BackendOptions;
import etcetera.api.storage.StorageEngine;
import etcetera.server.mvcc.Event;
import etcetera.server.mvcc.MvccStore;
import etcetera.server.mvcc.WriteTxn;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.function.Consumer;

/**
 * A watch hub over a real MVCC store on the {@code file} engine, written the way the apply
 * thread does it: transactions, a commit per batch, then the batch's events to the hub. The
 * test thread plays the apply thread. Owned by one test.
 */
final class HubFixture implements AutoCloseable {

    static final byte[] SINGLE = new byte[0];
    static final byte[] FROM_KEY = {0};

    final Backend backend;
    final MvccStore store;
    final WatchHub hub;
    private long appliedIndex;
    private final List<Event> batch = new ArrayList<>();
    /** Every event committed so far, in order: the reference the watchers are checked against. */
    final List<Event> history = new ArrayList<>();

    HubFixture(Path dir, WatchOptions options) {
        StorageEngine engine = ServiceLoader.load(StorageEngine.class).stream().map(ServiceLoader.Provider::get)
                .filter(e -> e.name().equals("file")).findFirst().orElseThrow();
        backend = engine.open(dir, new BackendOptions(false, 0));
        store = MvccStore.open(backend);
        hub = WatchHub.start(store, options);
    }

    HubFixture(Path dir) {
        this(dir, WatchOptions.defaults().withSyncInterval(Duration.ofMillis(10)));
    }

    /** One write transaction, added to the open batch (not yet committed). */
    void txn(Consumer<WriteTxn> body) {
        try (WriteTxn txn = store.write()) {
            body.accept(txn);
            batch.addAll(txn.end());
        }
    }

    void put(String key, String value) {
        txn(t -> t.put(b(key), b(value), 0));
    }

    void delete(String key, byte[] end) {
        txn(t -> t.deleteRange(b(key), end));
    }

    /** Commits the open batch and hands its events to the hub, as the apply thread does. */
    void commit() {
        store.commit(++appliedIndex);
        if (!batch.isEmpty()) {
            List<Event> events = List.copyOf(batch);
            history.addAll(events);
            hub.publish(store.currentRevision(), events);
            batch.clear();
        }
    }

    void compact(long revision) {
        store.compact(revision);
        commit();
    }

    void putAndCommit(String key, String value) {
        put(key, value);
        commit();
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String s(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        hub.close();
        store.close();
        backend.close();
    }
}
