package etcetera.server;

import etcetera.server.concurrency.KvClient;
import etcetera.server.grpc.KeyValueApi;
import etcetera.server.grpc.LeaseApi;
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
 * The member's own KV and lease API handed to the Lock and Election recipes: every request
 * takes the path a client's would (linearizable reads, writes through the log). Stateless.
 */
record MemberKvClient(KeyValueApi kv, LeaseApi leases) implements KvClient {

    @Override
    public CompletableFuture<RangeResponse> range(RangeRequest request) {
        return kv.range(request);
    }

    @Override
    public CompletableFuture<TxnResponse> txn(TxnRequest request) {
        return kv.txn(request);
    }

    @Override
    public CompletableFuture<DeleteRangeResponse> deleteRange(DeleteRangeRequest request) {
        return kv.deleteRange(request);
    }

    @Override
    public CompletableFuture<LeaseGrantResponse> grant(LeaseGrantRequest request) {
        return leases.grant(request);
    }
}
