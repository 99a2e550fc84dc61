package etcetera.server.apply;

import etcetera.server.mvcc.KeyValue;
import etcetera.server.mvcc.MvccException;
import etcetera.server.mvcc.RangeResult;
import etcetera.server.mvcc.ReadView;
import etcetera.wire.etcdserverpb.RangeRequest;
import etcetera.wire.etcdserverpb.RangeRequest.SortOrder;
import etcetera.wire.etcdserverpb.RangeRequest.SortTarget;
import etcetera.wire.etcdserverpb.RangeResponse;
import etcetera.wire.etcdserverpb.ResponseHeader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * etcd's Range over one view of the store: the revision filters, the sort and the limit are
 * applied here, in etcd's order, on what the store returns. Stateless; runs on the thread
 * that owns the view.
 *
 * <p>Two of etcd's rules are easy to get wrong and are kept on purpose: the filters and an
 * explicit sort order make the store fetch every match (the limit is applied afterwards), but
 * a sort target other than KEY with order NONE sorts ascending <em>only the first limit + 1
 * keys</em>, because etcd decides what to fetch from the order as requested; and
 * {@code count} is always the number of keys in the range before filtering.
 */
final class RangeReader {

    private RangeReader() {
    }

    /**
     * The response to {@code request} on {@code view}, with a header holding only the revision
     * of the view (the caller completes it).
     *
     * @throws etcetera.server.errors.EtcdException COMPACTED or FUTURE_REV for a revision the
     *     view cannot serve
     */
    static RangeResponse.Builder range(ReadView view, RangeRequest request) {
        boolean filtered = request.getMinModRevision() != 0 || request.getMaxModRevision() != 0
                || request.getMinCreateRevision() != 0 || request.getMaxCreateRevision() != 0;
        long limit = request.getLimit();
        long fetch;
        if (request.getSortOrderValue() != SortOrder.NONE_VALUE || filtered) {
            fetch = 0;
        } else {
            // One more than asked tells whether there are more (an overflow means no limit).
            fetch = limit > 0 ? limit + 1 : 0;
        }
        RangeResult result;
        try {
            result = view.range(WireKv.bytes(request.getKey()), WireKv.bytes(request.getRangeEnd()),
                    request.getRevision(), fetch, request.getCountOnly());
        } catch (MvccException e) {
            throw WireKv.error(e);
        }
        List<KeyValue> kvs = result.kvs();
        if (filtered) {
            kvs = filter(kvs, request);
        }
        kvs = sort(kvs, request);
        RangeResponse.Builder response = RangeResponse.newBuilder()
                .setHeader(ResponseHeader.newBuilder().setRevision(result.revision()))
                .setCount(result.count());
        if (limit > 0 && kvs.size() > limit) {
            kvs = kvs.subList(0, (int) limit);
            response.setMore(true);
        }
        for (KeyValue kv : kvs) {
            response.addKvs(WireKv.toWire(kv, request.getKeysOnly()));
        }
        return response;
    }

    private static List<KeyValue> filter(List<KeyValue> kvs, RangeRequest request) {
        long minMod = request.getMinModRevision();
        long maxMod = request.getMaxModRevision();
        long minCreate = request.getMinCreateRevision();
        long maxCreate = request.getMaxCreateRevision();
        List<KeyValue> kept = new ArrayList<>(kvs.size());
        for (KeyValue kv : kvs) {
            boolean pruned = (maxMod != 0 && kv.modRevision() > maxMod)
                    || (minMod != 0 && kv.modRevision() < minMod)
                    || (maxCreate != 0 && kv.createRevision() > maxCreate)
                    || (minCreate != 0 && kv.createRevision() < minCreate);
            if (!pruned) {
                kept.add(kv);
            }
        }
        return kept;
    }

    /**
     * Sorts as etcd: order NONE with target KEY leaves the store's key order; NONE with
     * another target means ASCEND. Ties keep key order. An order etcd does not know sorts
     * nothing (as etcd); a target it does not know sorts by key (etcd 3.4 crashes on it).
     */
    private static List<KeyValue> sort(List<KeyValue> kvs, RangeRequest request) {
        SortOrder order = request.getSortOrder();
        if (order == SortOrder.NONE && request.getSortTargetValue() != SortTarget.KEY_VALUE) {
            order = SortOrder.ASCEND;
        }
        if (order != SortOrder.ASCEND && order != SortOrder.DESCEND) {
            return kvs;
        }
        Comparator<KeyValue> comparator = comparator(request.getSortTarget());
        List<KeyValue> sorted = new ArrayList<>(kvs);
        sorted.sort(order == SortOrder.DESCEND ? comparator.reversed() : comparator);
        return sorted;
    }

    private static Comparator<KeyValue> comparator(SortTarget target) {
        return switch (target) {
            case VERSION -> Comparator.comparingLong(KeyValue::version);
            case CREATE -> Comparator.comparingLong(KeyValue::createRevision);
            case MOD -> Comparator.comparingLong(KeyValue::modRevision);
            case VALUE -> (a, b) -> Arrays.compareUnsigned(a.value(), b.value());
            case KEY, UNRECOGNIZED -> (a, b) -> Arrays.compareUnsigned(a.key(), b.key());
        };
    }
}
