package etcetera.server.apply;

import etcetera.server.errors.EtcdError;
import etcetera.server.mvcc.KeyValue;
import etcetera.server.mvcc.MvccException;
import etcetera.server.mvcc.ReadView;
import etcetera.server.mvcc.WriteTxn;
import etcetera.wire.etcdserverpb.Compare;
import etcetera.wire.etcdserverpb.PutRequest;
import etcetera.wire.etcdserverpb.RangeRequest;
import etcetera.wire.etcdserverpb.RequestOp;
import etcetera.wire.etcdserverpb.ResponseHeader;
import etcetera.wire.etcdserverpb.ResponseOp;
import etcetera.wire.etcdserverpb.TxnRequest;
import etcetera.wire.etcdserverpb.TxnResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * etcd's Txn over one view of the store, in etcd's three steps, so that a txn either fails
 * with nothing written or runs to the end:
 * <ol>
 *   <li>every compare of the txn, and of each nested txn on the chosen path, is decided on
 *       the state before the txn writes anything ({@link Branch});</li>
 *   <li>the operations on the path are checked: first every put (a missing key for
 *       {@code ignore_value}/{@code ignore_lease}, an unknown lease), then every range (a
 *       compacted or future revision);</li>
 *   <li>the operations run in order, each seeing the writes of those before it.</li>
 * </ol>
 * Holds no state of its own; runs on the thread that owns the view (the apply thread when
 * the view is the {@link WriteTxn}).
 */
final class TxnRunner {

    /**
     * The branch a txn takes, with the branches of the nested txns of that branch, in order.
     */
    record Branch(TxnRequest txn, boolean succeeded, List<Branch> nested) {

        List<RequestOp> ops() {
            return succeeded ? txn.getSuccessList() : txn.getFailureList();
        }
    }

    private final Leases leases;
    private final LongSupplier compactRevision;

    /**
     * @param compactRevision the store's compaction revision, only for etcd's treatment of a
     *     negative range revision in a txn (see {@link #checkRange})
     */
    TxnRunner(Leases leases, LongSupplier compactRevision) {
        this.leases = leases;
        this.compactRevision = compactRevision;
    }

    /**
     * Runs {@code request} on {@code view}. Its writes need the view to be the apply thread's
     * {@link WriteTxn}.
     *
     * @return the response, with an empty header (the caller sets it)
     * @throws etcetera.server.errors.EtcdException KEY_NOT_FOUND, LEASE_NOT_FOUND, COMPACTED or
     *     FUTURE_REV from the checks; nothing has been written then
     */
    TxnResponse.Builder run(ReadView view, TxnRequest request) {
        Branch path = choose(view, request);
        if (!RequestChecks.isReadOnly(request)) {
            checkPuts(view, path);
        }
        checkRanges(view, path);
        return execute(view, path);
    }

    static Branch choose(ReadView view, TxnRequest txn) {
        boolean succeeded = true;
        for (Compare compare : txn.getCompareList()) {
            if (!holds(view, compare)) {
                succeeded = false;
                break;
            }
        }
        List<Branch> nested = new ArrayList<>();
        for (RequestOp op : succeeded ? txn.getSuccessList() : txn.getFailureList()) {
            if (op.hasRequestTxn()) {
                nested.add(choose(view, op.getRequestTxn()));
            }
        }
        return new Branch(txn, succeeded, nested);
    }

    /**
     * Whether a compare holds for every key of its range. With no key, the compare is made
     * against a key with every field zero, except that a VALUE compare then fails: an empty
     * value and a missing key cannot be told apart on the wire.
     */
    static boolean holds(ReadView view, Compare compare) {
        List<KeyValue> kvs;
        try {
            kvs = view.range(WireKv.bytes(compare.getKey()), WireKv.bytes(compare.getRangeEnd()), 0, 0, false).kvs();
        } catch (MvccException e) {
            return false; // cannot happen at the view's own revision; etcd treats it as not holding
        }
        if (kvs.isEmpty()) {
            return compare.getTarget() != Compare.CompareTarget.VALUE && compare(compare, 0, WireKv.NO_BYTES);
        }
        for (KeyValue kv : kvs) {
            long number = switch (compare.getTarget()) {
                case CREATE -> kv.createRevision();
                case MOD -> kv.modRevision();
                case VERSION -> kv.version();
                case LEASE -> kv.lease();
                case VALUE, UNRECOGNIZED -> 0;
            };
            if (!compare(compare, number, kv.value())) {
                return false;
            }
        }
        return true;
    }

    /** Compares one key's field (its number, or its value for a VALUE compare) with the compare's operand. */
    private static boolean compare(Compare compare, long number, byte[] value) {
        int order = switch (compare.getTarget()) {
            case VALUE -> Arrays.compareUnsigned(value, compare.getValue().toByteArray());
            case CREATE -> Long.compare(number, compare.getCreateRevision());
            case MOD -> Long.compare(number, compare.getModRevision());
            case VERSION -> Long.compare(number, compare.getVersion());
            case LEASE -> Long.compare(number, compare.getLease());
            case UNRECOGNIZED -> 0;
        };
        return switch (compare.getResult()) {
            case EQUAL -> order == 0;
            case NOT_EQUAL -> order != 0;
            case GREATER -> order > 0;
            case LESS -> order < 0;
            case UNRECOGNIZED -> true;
        };
    }

    private void checkPuts(ReadView view, Branch branch) {
        Iterator<Branch> nested = branch.nested().iterator();
        for (RequestOp op : branch.ops()) {
            if (op.hasRequestTxn()) {
                checkPuts(view, nested.next());
            } else if (op.hasRequestPut()) {
                PutRequest put = op.getRequestPut();
                if ((put.getIgnoreValue() || put.getIgnoreLease())
                        && view.range(WireKv.bytes(put.getKey()), WireKv.NO_BYTES, 0, 0, true).count() == 0) {
                    throw EtcdError.KEY_NOT_FOUND.exception();
                }
                if (put.getLease() != 0 && !leases.exists(put.getLease())) {
                    throw EtcdError.LEASE_NOT_FOUND.exception();
                }
            }
        }
    }

    private void checkRanges(ReadView view, Branch branch) {
        Iterator<Branch> nested = branch.nested().iterator();
        for (RequestOp op : branch.ops()) {
            if (op.hasRequestTxn()) {
                checkRanges(view, nested.next());
            } else if (op.hasRequestRange()) {
                checkRange(view, op.getRequestRange());
            }
        }
    }

    /**
     * Refuses a range the view cannot serve, before anything is written. As in etcd, a
     * negative revision is compared with the compaction revision (and refused if older),
     * although a range outside a txn reads a negative revision as the current one.
     */
    private void checkRange(ReadView view, RangeRequest range) {
        long revision = range.getRevision();
        if (revision == 0) {
            return;
        }
        if (revision > view.revision()) {
            throw EtcdError.FUTURE_REV.exception();
        }
        if (revision < 0) {
            if (revision < compactRevision.getAsLong()) {
                throw EtcdError.COMPACTED.exception();
            }
            return;
        }
        try {
            // The view knows its compaction revision (the writer's includes one not yet committed).
            view.range(WireKv.bytes(range.getKey()), WireKv.NO_BYTES, revision, 1, true);
        } catch (MvccException e) {
            throw WireKv.error(e);
        }
    }

    private static TxnResponse.Builder execute(ReadView view, Branch branch) {
        TxnResponse.Builder response = TxnResponse.newBuilder().setSucceeded(branch.succeeded());
        Iterator<Branch> nested = branch.nested().iterator();
        for (RequestOp op : branch.ops()) {
            ResponseOp.Builder result = ResponseOp.newBuilder();
            switch (op.getRequestCase()) {
                case REQUEST_RANGE -> result.setResponseRange(RangeReader.range(view, op.getRequestRange()));
                case REQUEST_PUT -> result.setResponsePut(KeyWrites.put(writer(view), op.getRequestPut()));
                case REQUEST_DELETE_RANGE ->
                        result.setResponseDeleteRange(KeyWrites.deleteRange(writer(view), op.getRequestDeleteRange()));
                // A nested txn's response has an empty header, as etcd's.
                case REQUEST_TXN -> result.setResponseTxn(
                        execute(view, nested.next()).setHeader(ResponseHeader.getDefaultInstance()));
                case REQUEST_NOT_SET -> { } // refused before proposing (RequestChecks)
            }
            response.addResponses(result);
        }
        return response;
    }

    private static WriteTxn writer(ReadView view) {
        if (view instanceof WriteTxn writer) {
            return writer;
        }
        throw new IllegalArgumentException("a txn that writes was run on a read-only view");
    }
}
