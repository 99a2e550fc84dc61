package etcetera.server.apply;

import com.google.protobuf.ByteString;
import etcetera.server.errors.EtcdError;
import etcetera.wire.etcdserverpb.DeleteRangeRequest;
import etcetera.wire.etcdserverpb.RequestOp;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The keys one branch of a txn puts and the key ranges it deletes, counting its nested txns,
 * built to refuse a branch that writes a key twice: two puts of one key, or a put of a key
 * the branch also deletes. The two branches of a nested txn may put the same key, since only
 * one of them runs. Built and used by one thread.
 *
 * <p>A delete's range is {@code [key, range_end)}, or the key alone when {@code range_end} is
 * empty. As in etcd 3.4, the "from key" end {@code "\0"} is taken literally, as an end before
 * every key: such a delete conflicts with no put.
 */
final class BranchWrites {

    private static final Comparator<ByteString> UNSIGNED = ByteString.unsignedLexicographicalComparator();

    private record Deletion(ByteString from, ByteString to) {

        boolean covers(ByteString key) {
            if (to.isEmpty()) {
                return from.equals(key);
            }
            return UNSIGNED.compare(from, key) <= 0 && UNSIGNED.compare(key, to) < 0;
        }
    }

    private final Set<ByteString> puts = new HashSet<>();
    private final List<Deletion> deletions = new ArrayList<>();

    private BranchWrites() {
    }

    /**
     * The writes of a branch.
     *
     * @throws etcetera.server.errors.EtcdException DUPLICATE_KEY if the branch writes a key twice
     */
    static BranchWrites of(List<RequestOp> ops) {
        BranchWrites writes = new BranchWrites();
        for (RequestOp op : ops) {
            if (op.hasRequestDeleteRange()) {
                DeleteRangeRequest delete = op.getRequestDeleteRange();
                writes.deletions.add(new Deletion(delete.getKey(), delete.getRangeEnd()));
            }
        }
        // A nested txn's puts are checked against the deletes of this level and of the nested
        // txns before it, and against the puts of those nested txns.
        for (RequestOp op : ops) {
            if (!op.hasRequestTxn()) {
                continue;
            }
            BranchWrites then = of(op.getRequestTxn().getSuccessList());
            BranchWrites otherwise = of(op.getRequestTxn().getFailureList());
            for (ByteString key : then.puts) {
                writes.add(key, false);
            }
            for (ByteString key : otherwise.puts) {
                writes.add(key, then.puts.contains(key));
            }
            writes.deletions.addAll(then.deletions);
            writes.deletions.addAll(otherwise.deletions);
        }
        for (RequestOp op : ops) {
            if (op.hasRequestPut()) {
                writes.add(op.getRequestPut().getKey(), false);
            }
        }
        return writes;
    }

    /**
     * Records a put, refusing it if the key is deleted or already put, unless that other put
     * is in the other branch of the same nested txn ({@code inOtherBranch}).
     */
    private void add(ByteString key, boolean inOtherBranch) {
        if ((puts.contains(key) && !inOtherBranch) || deletes(key)) {
            throw EtcdError.DUPLICATE_KEY.exception();
        }
        puts.add(key);
    }

    private boolean deletes(ByteString key) {
        for (Deletion deletion : deletions) {
            if (deletion.covers(key)) {
                return true;
            }
        }
        return false;
    }
}
