package etcetera.server.mvcc;

import etcetera.api.storage.ReadTxn;
import java.util.ArrayList;
import java.util.List;

/**
 * Answers a range for one view: asks the {@link KeyIndex} which revisions are visible and
 * fetches their records from the backend view ({@link ReadTxn}, or the write batch for the
 * writer). Stateless; runs on the calling view's thread.
 */
final class HistoryReader {

    private HistoryReader() {
    }

    static RangeResult range(KeyIndex index, ReadTxn txn, long viewRevision, long compactFloor,
            byte[] key, byte[] end, long atRevision, long limit, boolean countOnly) {
        if (atRevision > viewRevision) {
            throw MvccException.futureRevision(viewRevision);
        }
        long rev = atRevision <= 0 ? viewRevision : atRevision;
        if (countOnly) {
            long count = index.range(key, end, rev, compactFloor, limit, (k, r) -> { });
            return new RangeResult(List.of(), count, viewRevision);
        }
        List<Revision> revisions = new ArrayList<>();
        long count = index.range(key, end, rev, compactFloor, limit, (k, r) -> revisions.add(r));
        List<KeyValue> kvs = new ArrayList<>(revisions.size());
        for (Revision r : revisions) {
            kvs.add(fetch(txn, r));
        }
        return new RangeResult(kvs, count, viewRevision);
    }

    /** The stored version at {@code rev}, which the index says exists. */
    static KeyValue fetch(ReadTxn txn, Revision rev) {
        byte[] record = txn.get(MvccStore.KEY_BUCKET, rev.toBytes())
                .orElseThrow(() -> new IllegalStateException(
                        "the key index points at revision " + rev + " but the backend has no record of it"));
        return KeyValueCodec.decode(record);
    }
}
