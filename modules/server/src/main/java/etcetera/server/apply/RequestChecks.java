package etcetera.server.apply;

import etcetera.server.errors.EtcdError;
import etcetera.wire.etcdserverpb.Compare;
import etcetera.wire.etcdserverpb.DeleteRangeRequest;
import etcetera.wire.etcdserverpb.PutRequest;
import etcetera.wire.etcdserverpb.RangeRequest;
import etcetera.wire.etcdserverpb.RequestOp;
import etcetera.wire.etcdserverpb.TxnRequest;
import java.util.List;

/**
 * The checks etcd makes on a KV request before proposing it (its gRPC KV service), and the
 * questions the server asks about a txn before deciding how to serve it: whether it only
 * reads, whether it may be served from the local view, what it costs against the quota.
 * Stateless; any thread.
 */
public final class RequestChecks {

    /** What etcd counts for a put's metadata when estimating its cost against the quota. */
    static final int PUT_OVERHEAD_BYTES = 256;

    private RequestChecks() {
    }

    /** @throws etcetera.server.errors.EtcdException EMPTY_KEY */
    public static void checkRange(RangeRequest request) {
        if (request.getKey().isEmpty()) {
            throw EtcdError.EMPTY_KEY.exception();
        }
    }

    /** @throws etcetera.server.errors.EtcdException EMPTY_KEY, VALUE_PROVIDED or LEASE_PROVIDED */
    public static void checkPut(PutRequest request) {
        if (request.getKey().isEmpty()) {
            throw EtcdError.EMPTY_KEY.exception();
        }
        if (request.getIgnoreValue() && !request.getValue().isEmpty()) {
            throw EtcdError.VALUE_PROVIDED.exception();
        }
        if (request.getIgnoreLease() && request.getLease() != 0) {
            throw EtcdError.LEASE_PROVIDED.exception();
        }
    }

    /** @throws etcetera.server.errors.EtcdException EMPTY_KEY */
    public static void checkDeleteRange(DeleteRangeRequest request) {
        if (request.getKey().isEmpty()) {
            throw EtcdError.EMPTY_KEY.exception();
        }
    }

    /**
     * Every check of a txn, in etcd's order: its size and each operation (recursively), then
     * keys written twice in the success branch, then in the failure branch.
     *
     * @param maxTxnOps the most compares, success or failure operations a txn may have
     *     ({@code --max-txn-ops}); a nested txn may have what its parent leaves
     * @throws etcetera.server.errors.EtcdException TOO_MANY_OPS; EMPTY_KEY, VALUE_PROVIDED or
     *     LEASE_PROVIDED from an operation; KEY_NOT_FOUND for an operation that is empty;
     *     DUPLICATE_KEY
     */
    public static void checkTxn(TxnRequest request, int maxTxnOps) {
        checkOps(request, maxTxnOps);
        BranchWrites.of(request.getSuccessList());
        BranchWrites.of(request.getFailureList());
    }

    private static void checkOps(TxnRequest request, int maxTxnOps) {
        int ops = Math.max(request.getCompareCount(), Math.max(request.getSuccessCount(), request.getFailureCount()));
        if (ops > maxTxnOps) {
            throw EtcdError.TOO_MANY_OPS.exception();
        }
        for (Compare compare : request.getCompareList()) {
            if (compare.getKey().isEmpty()) {
                throw EtcdError.EMPTY_KEY.exception();
            }
        }
        for (RequestOp op : request.getSuccessList()) {
            checkOp(op, maxTxnOps - ops);
        }
        for (RequestOp op : request.getFailureList()) {
            checkOp(op, maxTxnOps - ops);
        }
    }

    private static void checkOp(RequestOp op, int maxTxnOps) {
        switch (op.getRequestCase()) {
            case REQUEST_RANGE -> checkRange(op.getRequestRange());
            case REQUEST_PUT -> checkPut(op.getRequestPut());
            case REQUEST_DELETE_RANGE -> checkDeleteRange(op.getRequestDeleteRange());
            case REQUEST_TXN -> checkOps(op.getRequestTxn(), maxTxnOps);
            // etcd's answer to an operation with nothing in it.
            case REQUEST_NOT_SET -> throw EtcdError.KEY_NOT_FOUND.exception();
        }
    }

    /**
     * Whether a txn only reads: every operation of both branches is a range. A nested txn
     * counts as a write, as in etcd, which proposes such a txn through the log. A read-only
     * txn is served on a local view ({@link Applier#txnReadOnly}) after the read barrier its
     * ranges need.
     */
    public static boolean isReadOnly(TxnRequest request) {
        return allRanges(request.getSuccessList(), false) && allRanges(request.getFailureList(), false);
    }

    /**
     * Whether a read-only txn may be served from the local view without a read barrier: every
     * operation is a serializable range (so, as in etcd, a txn without operations is).
     */
    public static boolean isSerializable(TxnRequest request) {
        return allRanges(request.getSuccessList(), true) && allRanges(request.getFailureList(), true);
    }

    private static boolean allRanges(List<RequestOp> ops, boolean serializable) {
        for (RequestOp op : ops) {
            if (!op.hasRequestRange() || (serializable && !op.getRequestRange().getSerializable())) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether a txn puts a key at its top level, in either branch: etcd's test (a positive
     * quota cost) for refusing it while the NOSPACE alarm is raised. Puts in nested txns do
     * not count, as in etcd.
     */
    public static boolean hasPuts(TxnRequest request) {
        return quotaCost(request) > 0;
    }

    /** What etcd estimates a put adds to the backend: its key, its value and 256 bytes. */
    public static long quotaCost(PutRequest request) {
        return PUT_OVERHEAD_BYTES + (long) request.getKey().size() + request.getValue().size();
    }

    /** What etcd estimates a txn adds: the larger of its branches' top-level puts. */
    public static long quotaCost(TxnRequest request) {
        return Math.max(quotaCost(request.getSuccessList()), quotaCost(request.getFailureList()));
    }

    private static long quotaCost(List<RequestOp> ops) {
        long cost = 0;
        for (RequestOp op : ops) {
            if (op.hasRequestPut()) {
                cost += quotaCost(op.getRequestPut());
            }
        }
        return cost;
    }
}
