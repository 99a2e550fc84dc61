package etcetera.server.apply;

import etcetera.server.errors.EtcdError;
import etcetera.server.mvcc.KeyValue;
import etcetera.server.mvcc.WriteTxn;
import etcetera.wire.etcdserverpb.DeleteRangeRequest;
import etcetera.wire.etcdserverpb.DeleteRangeResponse;
import etcetera.wire.etcdserverpb.PutRequest;
import etcetera.wire.etcdserverpb.PutResponse;
import etcetera.wire.etcdserverpb.ResponseHeader;
import java.util.List;

/**
 * etcd's Put and DeleteRange inside an open write transaction, alone or as operations of a
 * txn. Responses carry a header with only the revision, as etcd's do before the server
 * completes the outermost one. Stateless; apply thread only.
 */
final class KeyWrites {

    private KeyWrites() {
    }

    /**
     * Puts as etcd does: {@code ignore_value} and {@code ignore_lease} keep the key's current
     * value or lease, and need the key to exist.
     *
     * @throws etcetera.server.errors.EtcdException KEY_NOT_FOUND if {@code ignore_value} or
     *     {@code ignore_lease} is set and the key does not exist; nothing is written then
     */
    static PutResponse.Builder put(WriteTxn txn, PutRequest request) {
        byte[] key = WireKv.bytes(request.getKey());
        boolean keepsSomething = request.getIgnoreValue() || request.getIgnoreLease();
        KeyValue previous = null; // read only when the request needs it
        if (keepsSomething || request.getPrevKv()) {
            List<KeyValue> current = txn.range(key, WireKv.NO_BYTES, 0, 0, false).kvs();
            if (current.isEmpty() && keepsSomething) {
                throw EtcdError.KEY_NOT_FOUND.exception();
            }
            previous = current.isEmpty() ? null : current.getFirst();
        }
        byte[] value = request.getIgnoreValue() ? previous.value() : WireKv.bytes(request.getValue());
        long lease = request.getIgnoreLease() ? previous.lease() : request.getLease();
        PutResponse.Builder response = PutResponse.newBuilder();
        if (request.getPrevKv() && previous != null) {
            response.setPrevKv(WireKv.toWire(previous, false));
        }
        txn.put(key, value, lease);
        return response.setHeader(ResponseHeader.newBuilder().setRevision(txn.revision()));
    }

    /**
     * Deletes the keys of the range ({@code range_end} as in a Range). Deleting nothing takes
     * no revision: the header then holds the current one.
     */
    static DeleteRangeResponse.Builder deleteRange(WriteTxn txn, DeleteRangeRequest request) {
        byte[] key = WireKv.bytes(request.getKey());
        byte[] end = WireKv.bytes(request.getRangeEnd());
        DeleteRangeResponse.Builder response = DeleteRangeResponse.newBuilder();
        if (request.getPrevKv()) {
            for (KeyValue kv : txn.range(key, end, 0, 0, false).kvs()) {
                response.addPrevKvs(WireKv.toWire(kv, false));
            }
        }
        long deleted = txn.deleteRange(key, end);
        return response.setDeleted(deleted).setHeader(ResponseHeader.newBuilder().setRevision(txn.revision()));
    }
}
