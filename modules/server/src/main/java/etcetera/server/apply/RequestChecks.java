package etcetera.server.apply;

import etcetera.server.errors.EtcdError;
import etcetera.wire.etcdserverpb.DeleteRangeRequest;
import etcetera.wire.etcdserverpb.PutRequest;
import etcetera.wire.etcdserverpb.RangeRequest;
import etcetera.wire.etcdserverpb.RequestOp;
import etcetera.wire.etcdserverpb.TxnRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The checks etcd makes on a request before proposing it: empty keys, conflicting options,
 * too many operations in a txn, and a key written twice in one txn branch. Stateless.
 */
public final class RequestChecks {

    private RequestChecks() {
    }

    public static void checkRange(RangeRequest request) {
        if (request.getKey().isEmpty()) {
            throw EtcdError.EMPTY_KEY.exception();
        }
    }

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

    public static void checkDeleteRange(DeleteRangeRequest request) {
        if (request.getKey().isEmpty()) {
            throw EtcdError.EMPTY_KEY.exception();
        }
    }

    /** All checks of a txn: sizes and keys (recursively), then conflicting writes in each branch. */
    public static void checkTxn(TxnRequest request, int maxTxnOps) {
        checkTxnOps(request, maxTxnOps);
        checkIntervals(request.getSuccessList());
        checkIntervals(request.getFailureList());
    }

    private static void checkTxnOps(TxnRequest request, int maxTxnOps) {
        int ops = Math.max(request.getCompareCount(), Math.max(request.getSuccessCount(), request.getFailureCount()));
        if (ops > maxTxnOps) {
            throw EtcdError.TOO_MANY_OPS.exception();
        }
        for (var compare : request.getCompareList()) {
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
            case REQUEST_TXN -> checkTxnOps(op.getRequestTxn(), maxTxnOps);
            case REQUEST_NOT_SET -> throw EtcdError.KEY_NOT_FOUND.exception();
        }
    }

    /** A deleted key range {@code [from, to)}, or the single key {@code from} when {@code to} is empty. */
    private record Deletion(byte[] from, byte[] to) {
        boolean covers(byte[] key) {
            if (to.length == 0) {
                return Arrays.equals(from, key);
            }
            return Arrays.compareUnsigned(from, key) <= 0 && Arrays.compareUnsigned(key, to) < 0;
        }
    }

    private record Writes(Set<String> puts, List<Deletion> deletions) {
        boolean deletes(String key) {
            byte[] bytes = key.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            for (Deletion deletion : deletions) {
                if (deletion.covers(bytes)) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * Refuses a branch that puts a key twice, or puts a key it also deletes, counting nested
     * txns (whose two branches may put the same key, as only one of them runs).
     */
    private static Writes checkIntervals(List<RequestOp> ops) {
        List<Deletion> deletions = new ArrayList<>();
        for (RequestOp op : ops) {
            if (op.hasRequestDeleteRange()) {
                DeleteRangeRequest delete = op.getRequestDeleteRange();
                deletions.add(new Deletion(delete.getKey().toByteArray(), delete.getRangeEnd().toByteArray()));
            }
        }
        Writes writes = new Writes(new HashSet<>(), deletions);
        for (RequestOp op : ops) {
            if (!op.hasRequestTxn()) {
                continue;
            }
            Writes then = checkIntervals(op.getRequestTxn().getSuccessList());
            Writes otherwise = checkIntervals(op.getRequestTxn().getFailureList());
            for (String key : then.puts()) {
                if (writes.puts().contains(key) || writes.deletes(key)) {
                    throw EtcdError.DUPLICATE_KEY.exception();
                }
                writes.puts().add(key);
            }
            for (String key : otherwise.puts()) {
                if ((writes.puts().contains(key) && !then.puts().contains(key)) || writes.deletes(key)) {
                    throw EtcdError.DUPLICATE_KEY.exception();
                }
                writes.puts().add(key);
            }
            deletions.addAll(then.deletions());
            deletions.addAll(otherwise.deletions());
        }
        for (RequestOp op : ops) {
            if (!op.hasRequestPut()) {
                continue;
            }
            String key = latin1(op.getRequestPut().getKey().toByteArray());
            if (writes.puts().contains(key) || writes.deletes(key)) {
                throw EtcdError.DUPLICATE_KEY.exception();
            }
            writes.puts().add(key);
        }
        return writes;
    }

    private static String latin1(byte[] key) {
        return new String(key, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** Whether a txn only reads, in every branch (etcd serves such txns without the log). */
    public static boolean isReadOnly(TxnRequest request) {
        return readOnly(request.getSuccessList()) && readOnly(request.getFailureList());
    }

    private static boolean readOnly(List<RequestOp> ops) {
        for (RequestOp op : ops) {
            switch (op.getRequestCase()) {
                case REQUEST_PUT, REQUEST_DELETE_RANGE -> {
                    return false;
                }
                case REQUEST_TXN -> {
                    if (!isReadOnly(op.getRequestTxn())) {
                        return false;
                    }
                }
                default -> { }
            }
        }
        return true;
    }

    /** Whether any branch of a txn puts a key (such txns are refused while NOSPACE is raised). */
    public static boolean hasPuts(TxnRequest request) {
        return hasPuts(request.getSuccessList()) || hasPuts(request.getFailureList());
    }

    private static boolean hasPuts(List<RequestOp> ops) {
        for (RequestOp op : ops) {
            if (op.hasRequestPut() || (op.hasRequestTxn() && hasPuts(op.getRequestTxn()))) {
                return true;
            }
        }
        return false;
    }
}
