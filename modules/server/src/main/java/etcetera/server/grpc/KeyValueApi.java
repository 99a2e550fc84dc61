package etcetera.server.grpc;

import etcetera.wire.etcdserverpb.CompactionRequest;
import etcetera.wire.etcdserverpb.CompactionResponse;
import etcetera.wire.etcdserverpb.DeleteRangeRequest;
import etcetera.wire.etcdserverpb.DeleteRangeResponse;
import etcetera.wire.etcdserverpb.PutRequest;
import etcetera.wire.etcdserverpb.PutResponse;
import etcetera.wire.etcdserverpb.RangeRequest;
import etcetera.wire.etcdserverpb.RangeResponse;
import etcetera.wire.etcdserverpb.TxnRequest;
import etcetera.wire.etcdserverpb.TxnResponse;
import java.util.concurrent.CompletableFuture;

/**
 * The key-value operations of a member, as the KV service needs them. Futures fail with
 * {@link etcetera.server.errors.EtcdException} for client-visible errors.
 */
public interface KeyValueApi {

    CompletableFuture<RangeResponse> range(RangeRequest request);

    CompletableFuture<PutResponse> put(PutRequest request);

    CompletableFuture<DeleteRangeResponse> deleteRange(DeleteRangeRequest request);

    CompletableFuture<TxnResponse> txn(TxnRequest request);

    CompletableFuture<CompactionResponse> compact(CompactionRequest request);
}
