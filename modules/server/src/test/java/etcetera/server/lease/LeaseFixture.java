package etcetera.server.lease;

import com.google.protobuf.ByteString;
import etcetera.api.storage.Backend;
import etcetera.api.storage.BackendOptions;
import etcetera.api.storage.StorageEngine;
import etcetera.server.apply.Applied;
import etcetera.server.apply.Applier;
import etcetera.server.errors.EtcdException;
import etcetera.server.mvcc.MvccStore;
import etcetera.wire.etcdserverpb.DeleteRangeRequest;
import etcetera.wire.etcdserverpb.LeaseGrantRequest;
import etcetera.wire.etcdserverpb.LeaseGrantResponse;
import etcetera.wire.etcdserverpb.LeaseRevokeRequest;
import etcetera.wire.etcdserverpb.PutRequest;
import etcetera.wire.etcdserverpb.RangeRequest;
import etcetera.wire.etcdserverpb.ResponseHeader;
import etcetera.wire.internal.InternalRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.ServiceLoader;

/**
 * A real store on the file engine in a temp directory, an applier and a lessor over it with
 * a clock the test moves, applying each request as one committed log entry. One test thread.
 */
final class LeaseFixture implements AutoCloseable {

    static final LessorOptions OPTIONS = new LessorOptions(2, 3, Duration.ofMillis(500), Duration.ofSeconds(3));

    private final Path directory;
    private Backend backend;
    MvccStore store;
    Lessor lessor;
    Applier applier;
    long nowNanos = 1_000_000_000L;
    private long appliedIndex;

    LeaseFixture(Path directory) {
        this.directory = directory;
        open();
    }

    private void open() {
        StorageEngine engine = ServiceLoader.load(StorageEngine.class).stream().map(ServiceLoader.Provider::get)
                .filter(e -> e.name().equals("file")).findFirst().orElseThrow();
        backend = engine.open(directory, new BackendOptions(false, 0));
        store = MvccStore.open(backend);
        lessor = new Lessor(backend, store, OPTIONS, () -> nowNanos);
        lessor.reload();
        applier = new Applier(store, revision -> ResponseHeader.newBuilder().setRevision(revision).build(), lessor);
        appliedIndex = store.consistentIndex();
    }

    /** Closes and opens the data again, as a restart does. */
    void reopen() {
        close();
        open();
    }

    void advanceSeconds(double seconds) {
        nowNanos += (long) (seconds * 1e9);
    }

    Applied apply(InternalRequest.Builder request) {
        try {
            return applier.applyWithEvents(request.build());
        } finally {
            store.commit(++appliedIndex);
        }
    }

    long grant(long id, long ttl) {
        return ((LeaseGrantResponse) apply(InternalRequest.newBuilder()
                .setLeaseGrant(LeaseGrantRequest.newBuilder().setID(id).setTTL(ttl))).response()).getTTL();
    }

    Applied revoke(long id) {
        return apply(InternalRequest.newBuilder().setLeaseRevoke(LeaseRevokeRequest.newBuilder().setID(id)));
    }

    void put(String key, long lease) {
        apply(InternalRequest.newBuilder().setPut(PutRequest.newBuilder().setKey(b(key)).setValue(b("v")).setLease(lease)));
    }

    void putKeepingLease(String key) {
        apply(InternalRequest.newBuilder().setPut(PutRequest.newBuilder().setKey(b(key)).setValue(b("w")).setIgnoreLease(true)));
    }

    void delete(String key) {
        apply(InternalRequest.newBuilder().setDeleteRange(DeleteRangeRequest.newBuilder().setKey(b(key))));
    }

    List<String> keys() {
        return applier.range(RangeRequest.newBuilder().setKey(b("\0")).setRangeEnd(b("\0")).build()).getKvsList().stream()
                .map(kv -> kv.getKey().toStringUtf8()).toList();
    }

    List<String> attached(long lease) {
        return lessor.timeToLive(lease, true).orElseThrow().keys().stream().map(ByteString::toStringUtf8).toList();
    }

    static ByteString b(String s) {
        return ByteString.copyFromUtf8(s);
    }

    static EtcdException failure(Runnable action) {
        try {
            action.run();
        } catch (EtcdException e) {
            return e;
        }
        throw new AssertionError("expected an EtcdException");
    }

    @Override
    public void close() {
        lessor.close();
        store.close();
        backend.close();
    }
}
