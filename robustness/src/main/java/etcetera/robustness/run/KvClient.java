package etcetera.robustness.run;

import com.google.protobuf.ByteString;
import etcetera.robustness.history.Outcome;
import etcetera.robustness.history.Request;
import etcetera.robustness.history.Response;
import etcetera.wire.etcdserverpb.Compare;
import etcetera.wire.etcdserverpb.DeleteRangeRequest;
import etcetera.wire.etcdserverpb.DeleteRangeResponse;
import etcetera.wire.etcdserverpb.KVGrpc;
import etcetera.wire.etcdserverpb.PutRequest;
import etcetera.wire.etcdserverpb.PutResponse;
import etcetera.wire.etcdserverpb.RangeRequest;
import etcetera.wire.etcdserverpb.RangeResponse;
import etcetera.wire.etcdserverpb.RequestOp;
import etcetera.wire.etcdserverpb.TxnRequest;
import etcetera.wire.etcdserverpb.TxnResponse;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Executes one {@link Request} through etcd's KV gRPC service on one channel and says how it
 * ended. Errors are classified conservatively: a read that fails had no effect; a write fails
 * for certain only if it could not even be sent (connection refused), and otherwise ends
 * {@link Outcome.Unknown}. Stateless apart from the channel; safe for concurrent use.
 */
final class KvClient {

    private final ManagedChannel channel;
    private final Duration timeout;

    KvClient(ManagedChannel channel, Duration timeout) {
        this.channel = channel;
        this.timeout = timeout;
    }

    Outcome execute(Request request) {
        KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(channel).withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
        try {
            return new Outcome.Ok(switch (request) {
                case Request.Put p -> {
                    PutResponse r = kv.put(PutRequest.newBuilder().setKey(bytes(p.key())).setValue(bytes(p.value())).build());
                    yield Response.put(r.getHeader().getRevision());
                }
                case Request.Get g -> {
                    RangeResponse r = kv.range(RangeRequest.newBuilder().setKey(bytes(g.key())).setSerializable(g.serializable()).build());
                    if (r.getKvsCount() == 0) {
                        yield Response.get(r.getHeader().getRevision(), Optional.empty(), 0);
                    }
                    yield Response.get(r.getHeader().getRevision(), Optional.of(r.getKvs(0).getValue().toString(StandardCharsets.UTF_8)),
                            r.getKvs(0).getModRevision());
                }
                case Request.Delete d -> {
                    DeleteRangeResponse r = kv.deleteRange(DeleteRangeRequest.newBuilder().setKey(bytes(d.key())).build());
                    yield Response.delete(r.getHeader().getRevision(), r.getDeleted());
                }
                case Request.Cas c -> {
                    Compare.Builder compare = Compare.newBuilder().setKey(bytes(c.key())).setResult(Compare.CompareResult.EQUAL);
                    switch (c.compare()) {
                        case Request.ValueEquals v -> compare.setTarget(Compare.CompareTarget.VALUE).setValue(bytes(v.value()));
                        case Request.ModRevisionEquals m -> compare.setTarget(Compare.CompareTarget.MOD).setModRevision(m.modRevision());
                    }
                    TxnResponse r = kv.txn(TxnRequest.newBuilder().addCompare(compare)
                            .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(bytes(c.key())).setValue(bytes(c.value()))))
                            .build());
                    yield Response.cas(r.getHeader().getRevision(), r.getSucceeded());
                }
            });
        } catch (StatusRuntimeException e) {
            String error = e.getStatus().getCode() + ": " + e.getStatus().getDescription();
            if (!request.isWrite() || neverSent(e)) {
                return new Outcome.Failed(error);
            }
            return new Outcome.Unknown(error);
        }
    }

    private static boolean neverSent(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) {
                return true;
            }
        }
        return false;
    }

    static ByteString bytes(String s) {
        return ByteString.copyFromUtf8(s);
    }
}
