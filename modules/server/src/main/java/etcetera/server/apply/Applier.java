package etcetera.server.apply;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import etcetera.server.errors.EtcdError;
import etcetera.server.errors.EtcdException;
import etcetera.server.mvcc.KeyValue;
import etcetera.server.mvcc.MvccException;
import etcetera.server.mvcc.MvccStore;
import etcetera.server.mvcc.RangeResult;
import etcetera.server.mvcc.ReadView;
import etcetera.server.mvcc.WriteTxn;
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
import etcetera.wire.etcdserverpb.ResponseOp;
import etcetera.wire.etcdserverpb.TxnRequest;
import etcetera.wire.etcdserverpb.TxnResponse;
import etcetera.wire.internal.InternalRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * etcd's KV semantics over the {@link MvccStore}. Reads ({@link #range}, {@link #txnReadOnly})
 * run on any thread against a committed view; {@link #apply} runs on the apply thread only,
 * each write request in one MVCC write transaction, so a txn's changes share one revision.
 * Responses carry the member's header at the right revision; sub-responses of a txn carry
 * only their revision, as in etcd.
 */
public final class Applier {

    private static final byte[] NONE = new byte[0];

    private final MvccStore store;
    private final ResponseHeaders headers;
    private final Leases leases;

    public Applier(MvccStore store, ResponseHeaders headers, Leases leases) {
        this.store = store;
        this.headers = headers;
        this.leases = leases;
    }

    // ---- reads ----------------------------------------------------------------------------

    /** A range on the current committed view. */
    public RangeResponse range(RangeRequest request) {
        try (ReadView view = store.read()) {
            RangeResponse.Builder response = range(view, request);
            return response.setHeader(headers.at(response.getHeader().getRevision())).build();
        }
    }

    /** A txn whose branches only read: evaluated on one committed view without the log. */
    public TxnResponse txnReadOnly(TxnRequest request) {
        try (ReadView view = store.read()) {
            TxnResponse.Builder response = txn(view, null, request);
            return response.setHeader(headers.at(view.revision())).build();
        }
    }

    private static RangeResponse.Builder range(ReadView view, RangeRequest request) {
        long limit = request.getLimit();
        boolean filtered = request.getMinModRevision() != 0 || request.getMaxModRevision() != 0
                || request.getMinCreateRevision() != 0 || request.getMaxCreateRevision() != 0;
        if (request.getSortOrder() != RangeRequest.SortOrder.NONE || filtered) {
            limit = 0; // fetch everything, then filter, sort and truncate
        } else if (limit > 0) {
            limit++; // one more tells whether there are more
        }
        RangeResult result;
        try {
            result = view.range(bytes(request.getKey()), bytes(request.getRangeEnd()), request.getRevision(), limit,
                    request.getCountOnly());
        } catch (MvccException e) {
            throw mapped(e);
        }
        List<KeyValue> kvs = result.kvs();
        if (filtered) {
            kvs = new ArrayList<>(kvs);
            long maxMod = request.getMaxModRevision();
            long minMod = request.getMinModRevision();
            long maxCreate = request.getMaxCreateRevision();
            long minCreate = request.getMinCreateRevision();
            kvs.removeIf(kv -> (maxMod != 0 && kv.modRevision() > maxMod) || (minMod != 0 && kv.modRevision() < minMod)
                    || (maxCreate != 0 && kv.createRevision() > maxCreate)
                    || (minCreate != 0 && kv.createRevision() < minCreate));
        }
        RangeRequest.SortOrder order = request.getSortOrder();
        if (request.getSortTarget() != RangeRequest.SortTarget.KEY && order == RangeRequest.SortOrder.NONE) {
            order = RangeRequest.SortOrder.ASCEND;
        }
        if (order == RangeRequest.SortOrder.ASCEND || order == RangeRequest.SortOrder.DESCEND) {
            Comparator<KeyValue> comparator = comparator(request.getSortTarget());
            kvs = new ArrayList<>(kvs);
            kvs.sort(order == RangeRequest.SortOrder.DESCEND ? comparator.reversed() : comparator);
        }
        RangeResponse.Builder response = RangeResponse.newBuilder();
        if (request.getLimit() > 0 && kvs.size() > request.getLimit()) {
            kvs = kvs.subList(0, (int) request.getLimit());
            response.setMore(true);
        }
        for (KeyValue kv : kvs) {
            response.addKvs(toWire(kv, request.getKeysOnly()));
        }
        return response.setCount(result.count())
                .setHeader(ResponseHeader.newBuilder().setRevision(result.revision()));
    }

    private static Comparator<KeyValue> comparator(RangeRequest.SortTarget target) {
        return switch (target) {
            case VERSION -> Comparator.comparingLong(KeyValue::version);
            case CREATE -> Comparator.comparingLong(KeyValue::createRevision);
            case MOD -> Comparator.comparingLong(KeyValue::modRevision);
            case VALUE -> (a, b) -> Arrays.compareUnsigned(a.value(), b.value());
            default -> (a, b) -> Arrays.compareUnsigned(a.key(), b.key());
        };
    }

    // ---- writes ---------------------------------------------------------------------------

    /**
     * Applies one committed write request. Apply thread only.
     *
     * @return the response (PutResponse, DeleteRangeResponse, TxnResponse, CompactionResponse)
     * @throws EtcdException for the request's client-visible failure; the store is unchanged then
     */
    public Object apply(InternalRequest request) {
        return switch (request.getRequestCase()) {
            case PUT -> put(request.getPut());
            case DELETE_RANGE -> deleteRange(request.getDeleteRange());
            case TXN -> txn(request.getTxn());
            case COMPACTION -> compact(request.getCompaction());
            case RANGE -> range(request.getRange());
            default -> throw new IllegalArgumentException("the KV applier does not apply " + request.getRequestCase());
        };
    }

    private PutResponse put(PutRequest request) {
        if (request.getLease() != 0 && !leases.exists(request.getLease())) {
            throw EtcdError.LEASE_NOT_FOUND.exception();
        }
        try (WriteTxn txn = store.write()) {
            PutResponse.Builder response = put(txn, request);
            txn.end();
            return response.setHeader(headers.at(txn.revision())).build();
        }
    }

    private static PutResponse.Builder put(WriteTxn txn, PutRequest request) {
        byte[] key = bytes(request.getKey());
        byte[] value = bytes(request.getValue());
        long lease = request.getLease();
        PutResponse.Builder response = PutResponse.newBuilder();
        if (request.getIgnoreValue() || request.getIgnoreLease() || request.getPrevKv()) {
            List<KeyValue> previous = txn.range(key, NONE, 0, 0, false).kvs();
            if ((request.getIgnoreValue() || request.getIgnoreLease()) && previous.isEmpty()) {
                throw EtcdError.KEY_NOT_FOUND.exception();
            }
            if (!previous.isEmpty()) {
                KeyValue prev = previous.getFirst();
                if (request.getIgnoreValue()) {
                    value = prev.value();
                }
                if (request.getIgnoreLease()) {
                    lease = prev.lease();
                }
                if (request.getPrevKv()) {
                    response.setPrevKv(toWire(prev, false));
                }
            }
        }
        txn.put(key, value, lease);
        return response.setHeader(ResponseHeader.newBuilder().setRevision(txn.revision()));
    }

    private DeleteRangeResponse deleteRange(DeleteRangeRequest request) {
        try (WriteTxn txn = store.write()) {
            DeleteRangeResponse.Builder response = deleteRange(txn, request);
            txn.end();
            return response.setHeader(headers.at(txn.revision())).build();
        }
    }

    private static DeleteRangeResponse.Builder deleteRange(WriteTxn txn, DeleteRangeRequest request) {
        byte[] key = bytes(request.getKey());
        byte[] end = bytes(request.getRangeEnd());
        DeleteRangeResponse.Builder response = DeleteRangeResponse.newBuilder();
        if (request.getPrevKv()) {
            for (KeyValue kv : txn.range(key, end, 0, 0, false).kvs()) {
                response.addPrevKvs(toWire(kv, false));
            }
        }
        long deleted = txn.deleteRange(key, end);
        return response.setDeleted(deleted).setHeader(ResponseHeader.newBuilder().setRevision(txn.revision()));
    }

    private TxnResponse txn(TxnRequest request) {
        try (WriteTxn txn = store.write()) {
            TxnResponse.Builder response = txn(txn, txn, request);
            txn.end();
            return response.setHeader(headers.at(txn.revision())).build();
        }
    }

    /**
     * Evaluates a txn as etcd does: every compare of the txn and of the nested txns on the
     * chosen path is decided first, on the state before any of its writes; then the requests
     * are checked (missing keys for ignore_value/lease, unknown leases, compacted or future
     * read revisions) so that a failing txn changes nothing; then the requests run in order,
     * reads seeing the txn's own earlier writes.
     *
     * @param writer the write txn, or {@code null} for a read-only txn on {@code view}
     */
    private TxnResponse.Builder txn(ReadView view, WriteTxn writer, TxnRequest request) {
        List<Boolean> path = new ArrayList<>();
        choosePath(view, request, path);
        checkPath(view, request, path, new int[] {0});
        TxnResponse.Builder response = TxnResponse.newBuilder().setSucceeded(path.getFirst());
        run(view, writer, request, path, new int[] {0}, response);
        return response;
    }

    private static void choosePath(ReadView view, TxnRequest request, List<Boolean> path) {
        boolean succeeded = true;
        for (Compare compare : request.getCompareList()) {
            if (!holds(view, compare)) {
                succeeded = false;
                break;
            }
        }
        path.add(succeeded);
        for (RequestOp op : succeeded ? request.getSuccessList() : request.getFailureList()) {
            if (op.hasRequestTxn()) {
                choosePath(view, op.getRequestTxn(), path);
            }
        }
    }

    private void checkPath(ReadView view, TxnRequest request, List<Boolean> path, int[] at) {
        boolean succeeded = path.get(at[0]++);
        for (RequestOp op : succeeded ? request.getSuccessList() : request.getFailureList()) {
            switch (op.getRequestCase()) {
                case REQUEST_TXN -> checkPath(view, op.getRequestTxn(), path, at);
                case REQUEST_PUT -> {
                    PutRequest put = op.getRequestPut();
                    if ((put.getIgnoreValue() || put.getIgnoreLease())
                            && view.range(bytes(put.getKey()), NONE, 0, 0, false).kvs().isEmpty()) {
                        throw EtcdError.KEY_NOT_FOUND.exception();
                    }
                    if (put.getLease() != 0 && !leases.exists(put.getLease())) {
                        throw EtcdError.LEASE_NOT_FOUND.exception();
                    }
                }
                case REQUEST_RANGE -> {
                    long revision = op.getRequestRange().getRevision();
                    if (revision > view.revision()) {
                        throw EtcdError.FUTURE_REV.exception();
                    }
                    if (revision != 0 && revision < store.compactRevision()) {
                        throw EtcdError.COMPACTED.exception();
                    }
                }
                default -> { }
            }
        }
    }

    private static void run(ReadView view, WriteTxn writer, TxnRequest request, List<Boolean> path, int[] at,
            TxnResponse.Builder response) {
        boolean succeeded = path.get(at[0]++);
        for (RequestOp op : succeeded ? request.getSuccessList() : request.getFailureList()) {
            ResponseOp.Builder result = ResponseOp.newBuilder();
            switch (op.getRequestCase()) {
                case REQUEST_RANGE -> result.setResponseRange(range(view, op.getRequestRange()));
                case REQUEST_PUT -> result.setResponsePut(put(writer, op.getRequestPut()));
                case REQUEST_DELETE_RANGE -> result.setResponseDeleteRange(deleteRange(writer, op.getRequestDeleteRange()));
                case REQUEST_TXN -> {
                    TxnResponse.Builder nested = TxnResponse.newBuilder().setSucceeded(path.get(at[0]));
                    run(view, writer, op.getRequestTxn(), path, at, nested);
                    result.setResponseTxn(nested.setHeader(ResponseHeader.getDefaultInstance()));
                }
                case REQUEST_NOT_SET -> { }
            }
            response.addResponses(result);
        }
    }

    private static boolean holds(ReadView view, Compare compare) {
        List<KeyValue> kvs = view.range(bytes(compare.getKey()), bytes(compare.getRangeEnd()), 0, 0, false).kvs();
        if (kvs.isEmpty()) {
            // No key: compares against zero values; a value compare always fails (no way to say "missing").
            return compare.getTarget() != Compare.CompareTarget.VALUE && compareOne(compare, null);
        }
        for (KeyValue kv : kvs) {
            if (!compareOne(compare, kv)) {
                return false;
            }
        }
        return true;
    }

    private static boolean compareOne(Compare compare, KeyValue kv) {
        int result = switch (compare.getTarget()) {
            case VALUE -> Integer.signum(Arrays.compareUnsigned(kv == null ? NONE : kv.value(), bytes(compare.getValue())));
            case CREATE -> Long.compare(kv == null ? 0 : kv.createRevision(), compare.getCreateRevision());
            case MOD -> Long.compare(kv == null ? 0 : kv.modRevision(), compare.getModRevision());
            case VERSION -> Long.compare(kv == null ? 0 : kv.version(), compare.getVersion());
            case LEASE -> Long.compare(kv == null ? 0 : kv.lease(), compare.getLease());
            default -> 0;
        };
        return switch (compare.getResult()) {
            case EQUAL -> result == 0;
            case NOT_EQUAL -> result != 0;
            case GREATER -> result > 0;
            case LESS -> result < 0;
            default -> true;
        };
    }

    private CompactionResponse compact(CompactionRequest request) {
        try {
            store.compact(request.getRevision());
        } catch (MvccException e) {
            throw mapped(e);
        }
        return CompactionResponse.newBuilder().setHeader(headers.at(store.currentRevision())).build();
    }

    /** Completes once the physical part of every accepted compaction is done (for {@code physical} requests). */
    public java.util.concurrent.CompletableFuture<Void> compactionsDone() {
        return store.compactionsDone();
    }

    // ---- conversions ----------------------------------------------------------------------

    private static EtcdException mapped(MvccException e) {
        return switch (e.kind()) {
            case COMPACTED -> EtcdError.COMPACTED.exception();
            case FUTURE_REVISION -> EtcdError.FUTURE_REV.exception();
        };
    }

    static etcetera.wire.mvccpb.KeyValue toWire(KeyValue kv, boolean keysOnly) {
        etcetera.wire.mvccpb.KeyValue.Builder wire = etcetera.wire.mvccpb.KeyValue.newBuilder()
                .setKey(UnsafeByteOperations.unsafeWrap(kv.key()))
                .setCreateRevision(kv.createRevision())
                .setModRevision(kv.modRevision())
                .setVersion(kv.version())
                .setLease(kv.lease());
        if (!keysOnly) {
            wire.setValue(UnsafeByteOperations.unsafeWrap(kv.value()));
        }
        return wire.build();
    }

    /** The bytes of a request field; the store keeps them, so they must be a private copy. */
    private static byte[] bytes(ByteString bytes) {
        return bytes.isEmpty() ? NONE : bytes.toByteArray();
    }
}
