package etcetera.server.apply;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import etcetera.server.errors.EtcdError;
import etcetera.server.errors.EtcdException;
import etcetera.server.mvcc.KeyValue;
import etcetera.server.mvcc.MvccException;

/**
 * Conversions between the store's values and etcd's wire messages, and of the store's
 * refusals into etcd's errors. Stateless.
 */
final class WireKv {

    static final byte[] NO_BYTES = new byte[0];

    private WireKv() {
    }

    /**
     * A stored version as an {@code mvccpb.KeyValue}. The store never changes its arrays, so
     * they are wrapped rather than copied.
     */
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

    /**
     * The bytes of a request field as a private copy: the store keeps the arrays it is given,
     * and a request's bytes may be shared with the caller.
     */
    static byte[] bytes(ByteString bytes) {
        return bytes.isEmpty() ? NO_BYTES : bytes.toByteArray();
    }

    /** etcd's error for a revision the store refused. */
    static EtcdException error(MvccException e) {
        return switch (e.kind()) {
            case COMPACTED -> EtcdError.COMPACTED.exception();
            case FUTURE_REVISION -> EtcdError.FUTURE_REV.exception();
        };
    }
}
