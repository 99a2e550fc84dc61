package etcetera.server.apply;

import com.google.protobuf.ByteString;
import etcetera.api.storage.Backend;
import etcetera.api.storage.BackendOptions;
import etcetera.api.storage.StorageEngine;
import etcetera.server.errors.EtcdError;
import etcetera.server.errors.EtcdException;
import etcetera.server.mvcc.MvccStore;
import etcetera.wire.etcdserverpb.CompactionRequest;
import etcetera.wire.etcdserverpb.CompactionResponse;
import etcetera.wire.etcdserverpb.Compare;
import etcetera.wire.etcdserverpb.DeleteRangeRequest;
import etcetera.wire.etcdserverpb.DeleteRangeResponse;
import etcetera.wire.etcdserverpb.PutRequest;
import etcetera.wire.etcdserverpb.PutResponse;
import etcetera.wire.etcdserverpb.RangeRequest;
import etcetera.wire.etcdserverpb.RangeResponse;
import etcetera.wire.etcdserverpb.RequestOp;
import etcetera.wire.etcdserverpb.ResponseHeader;
import etcetera.wire.etcdserverpb.TxnRequest;
import etcetera.wire.etcdserverpb.TxnResponse;
import etcetera.wire.internal.InternalRequest;
import etcetera.wire.mvccpb.KeyValue;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import org.junit.jupiter.api.Assertions;

/**
 * An {@link Applier} over a real {@link MvccStore} on the {@code file} storage engine, with
 * an apply loop reduced to its essentials: each request is applied, then the store is
 * committed as one log entry (unless the test batches entries itself). Owned by one test.
 */
final class ApplyFixture implements AutoCloseable {

    static final long CLUSTER_ID = 0x1000;
    static final long MEMBER_ID = 0x2000;
    static final long TERM = 7;
    static final ByteString FROM_KEY = ByteString.copyFrom(new byte[] {0});

    final Set<Long> leases = new HashSet<>();
    boolean noSpace;

    private final Backend backend;
    final MvccStore store;
    final Applier applier;
    private long appliedIndex;

    ApplyFixture(Path directory) {
        StorageEngine engine = ServiceLoader.load(StorageEngine.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(e -> e.name().equals("file"))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("storage engine 'file' not found"));
        backend = engine.open(directory, new BackendOptions(false, 0));
        store = MvccStore.open(backend);
        applier = new Applier(store, ApplyFixture::header, leases::contains, () -> noSpace);
    }

    static ResponseHeader header(long revision) {
        return ResponseHeader.newBuilder().setClusterId(CLUSTER_ID).setMemberId(MEMBER_ID).setRaftTerm(TERM)
                .setRevision(revision).build();
    }

    /** Applies one request as one committed log entry, as the apply loop does (a failure commits too). */
    Applied apply(InternalRequest request) {
        try {
            return applier.applyWithEvents(request);
        } finally {
            store.commit(++appliedIndex);
        }
    }

    /** Applies without committing: the next {@link #commit()} commits the batch. */
    Applied applyInBatch(InternalRequest request) {
        return applier.applyWithEvents(request);
    }

    void commit() {
        store.commit(++appliedIndex);
    }

    PutResponse put(PutRequest request) {
        return (PutResponse) apply(InternalRequest.newBuilder().setPut(request).build()).response();
    }

    PutResponse put(String key, String value) {
        return put(putRequest(key, value).build());
    }

    DeleteRangeResponse delete(DeleteRangeRequest request) {
        return (DeleteRangeResponse) apply(InternalRequest.newBuilder().setDeleteRange(request).build()).response();
    }

    TxnResponse txn(TxnRequest request) {
        return (TxnResponse) apply(InternalRequest.newBuilder().setTxn(request).build()).response();
    }

    CompactionResponse compact(long revision) {
        return (CompactionResponse) apply(InternalRequest.newBuilder()
                .setCompaction(CompactionRequest.newBuilder().setRevision(revision)).build()).response();
    }

    RangeResponse range(RangeRequest request) {
        return applier.range(request);
    }

    /** The keys a range returns, in order. */
    List<String> keys(RangeRequest request) {
        return range(request).getKvsList().stream().map(kv -> s(kv.getKey())).toList();
    }

    // ---- request builders -----------------------------------------------------------------

    static ByteString b(String s) {
        return ByteString.copyFromUtf8(s);
    }

    static String s(ByteString b) {
        return b.toString(StandardCharsets.UTF_8);
    }

    static PutRequest.Builder putRequest(String key, String value) {
        return PutRequest.newBuilder().setKey(b(key)).setValue(b(value));
    }

    static RangeRequest.Builder get(String key) {
        return RangeRequest.newBuilder().setKey(b(key));
    }

    static RangeRequest.Builder get(String key, String end) {
        return get(key).setRangeEnd(b(end));
    }

    static RequestOp op(PutRequest.Builder put) {
        return RequestOp.newBuilder().setRequestPut(put).build();
    }

    static RequestOp op(RangeRequest.Builder range) {
        return RequestOp.newBuilder().setRequestRange(range).build();
    }

    static RequestOp op(DeleteRangeRequest.Builder delete) {
        return RequestOp.newBuilder().setRequestDeleteRange(delete).build();
    }

    static RequestOp op(TxnRequest.Builder txn) {
        return RequestOp.newBuilder().setRequestTxn(txn).build();
    }

    static DeleteRangeRequest.Builder del(String key) {
        return DeleteRangeRequest.newBuilder().setKey(b(key));
    }

    static DeleteRangeRequest.Builder del(String key, String end) {
        return del(key).setRangeEnd(b(end));
    }

    static Compare.Builder compare(String key, Compare.CompareTarget target, Compare.CompareResult result) {
        return Compare.newBuilder().setKey(b(key)).setTarget(target).setResult(result);
    }

    /** A stored version as etcd would return it. */
    static KeyValue kv(String key, long create, long mod, long version, String value, long lease) {
        return KeyValue.newBuilder().setKey(b(key)).setCreateRevision(create).setModRevision(mod).setVersion(version)
                .setValue(b(value)).setLease(lease).build();
    }

    static KeyValue kv(String key, long create, long mod, long version, String value) {
        return kv(key, create, mod, version, value, 0);
    }

    /** Asserts that {@code call} fails with {@code error}, whose message is etcd's exact text. */
    static void assertFails(EtcdError error, String message, Executable call) {
        EtcdException e = Assertions.assertThrows(EtcdException.class, call::execute);
        Assertions.assertEquals(error, e.error());
        Assertions.assertEquals(message, e.getMessage());
    }

    @FunctionalInterface
    interface Executable {
        void execute();
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
