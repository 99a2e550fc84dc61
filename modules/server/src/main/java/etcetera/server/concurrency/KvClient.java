package etcetera.server.concurrency;

import etcetera.wire.etcdserverpb.DeleteRangeRequest;
import etcetera.wire.etcdserverpb.DeleteRangeResponse;
import etcetera.wire.etcdserverpb.LeaseGrantRequest;
import etcetera.wire.etcdserverpb.LeaseGrantResponse;
import etcetera.wire.etcdserverpb.RangeRequest;
import etcetera.wire.etcdserverpb.RangeResponse;
import etcetera.wire.etcdserverpb.TxnRequest;
import etcetera.wire.etcdserverpb.TxnResponse;
import java.util.concurrent.CompletableFuture;

/**
 * The member's own KV and lease API, as the recipes use it (what etcd's in-process client
 * gives its Lock and Election servers). Futures fail with
 * {@link etcetera.server.errors.EtcdException} for client-visible errors. Thread-safe.
 */
public interface KvClient {

    CompletableFuture<RangeResponse> range(RangeRequest request);

    CompletableFuture<TxnResponse> txn(TxnRequest request);

    CompletableFuture<DeleteRangeResponse> deleteRange(DeleteRangeRequest request);

    CompletableFuture<LeaseGrantResponse> grant(LeaseGrantRequest request);
}
