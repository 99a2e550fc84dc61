package etcetera.server.grpc;

import etcetera.wire.etcdserverpb.CompactionRequest;
import etcetera.wire.etcdserverpb.CompactionResponse;
import etcetera.wire.etcdserverpb.DeleteRangeRequest;
import etcetera.wire.etcdserverpb.DeleteRangeResponse;
import etcetera.wire.etcdserverpb.KVGrpc;
import etcetera.wire.etcdserverpb.PutRequest;
import etcetera.wire.etcdserverpb.PutResponse;
import etcetera.wire.etcdserverpb.RangeRequest;
import etcetera.wire.etcdserverpb.RangeResponse;
import etcetera.wire.etcdserverpb.TxnRequest;
import etcetera.wire.etcdserverpb.TxnResponse;
import io.grpc.stub.StreamObserver;

/** etcd's {@code etcdserverpb.KV} service. Stateless; called on gRPC's executor threads. */
public final class KvService extends KVGrpc.KVImplBase {

    private final KeyValueApi kv;

    public KvService(KeyValueApi kv) {
        this.kv = kv;
    }

    @Override
    public void range(RangeRequest request, StreamObserver<RangeResponse> observer) {
        GrpcErrors.reply(kv.range(request), observer);
    }

    @Override
    public void put(PutRequest request, StreamObserver<PutResponse> observer) {
        GrpcErrors.reply(kv.put(request), observer);
    }

    @Override
    public void deleteRange(DeleteRangeRequest request, StreamObserver<DeleteRangeResponse> observer) {
        GrpcErrors.reply(kv.deleteRange(request), observer);
    }

    @Override
    public void txn(TxnRequest request, StreamObserver<TxnResponse> observer) {
        GrpcErrors.reply(kv.txn(request), observer);
    }

    @Override
    public void compact(CompactionRequest request, StreamObserver<CompactionResponse> observer) {
        GrpcErrors.reply(kv.compact(request), observer);
    }
}
