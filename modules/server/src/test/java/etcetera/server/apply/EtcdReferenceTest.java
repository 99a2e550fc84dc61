package etcetera.server.apply;

import static etcetera.server.apply.ApplyFixture.FROM_KEY;
import static etcetera.server.apply.ApplyFixture.b;
import static etcetera.server.apply.ApplyFixture.compare;
import static etcetera.server.apply.ApplyFixture.del;
import static etcetera.server.apply.ApplyFixture.get;
import static etcetera.server.apply.ApplyFixture.op;
import static etcetera.server.apply.ApplyFixture.putRequest;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.TextFormat;
import etcetera.server.errors.EtcdException;
import etcetera.wire.etcdserverpb.CompactionRequest;
import etcetera.wire.etcdserverpb.Compare.CompareResult;
import etcetera.wire.etcdserverpb.Compare.CompareTarget;
import etcetera.wire.etcdserverpb.DeleteRangeRequest;
import etcetera.wire.etcdserverpb.KVGrpc;
import etcetera.wire.etcdserverpb.PutRequest;
import etcetera.wire.etcdserverpb.RangeRequest;
import etcetera.wire.etcdserverpb.RangeRequest.SortOrder;
import etcetera.wire.etcdserverpb.RangeRequest.SortTarget;
import etcetera.wire.etcdserverpb.RequestOp;
import etcetera.wire.etcdserverpb.ResponseHeader;
import etcetera.wire.etcdserverpb.TxnRequest;
import etcetera.wire.internal.InternalRequest;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sends one script of KV requests to the real etcd 3.4 and to the apply layer (with the
 * checks the server makes before proposing), and requires the same answer to each: the same
 * response, header revision included (cluster, member and term differ by nature), or the same
 * gRPC code and message. Skipped when etcd is not installed.
 */
class EtcdReferenceTest {

    private static final int MAX_TXN_OPS = 128;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void answersEveryRequestOfTheScriptAsEtcdDoes() throws Exception {
        Assumptions.assumeTrue(ReferenceEtcd.installed(), "etcd 3.4 is not installed");
        List<Message> script = script();
        Path ours = Files.createDirectory(dir.resolve("ours"));
        Path theirs = Files.createDirectory(dir.resolve("etcd"));
        try (ApplyFixture fx = new ApplyFixture(ours); ReferenceEtcd etcd = ReferenceEtcd.start(theirs, Duration.ofSeconds(30))) {
            KVGrpc.KVBlockingStub kv = etcd.kv();
            for (int i = 0; i < script.size(); i++) {
                Message request = script.get(i);
                String expected = etcdAnswer(kv, request);
                String actual = ourAnswer(fx, request);
                assertEquals(expected, actual, "step " + i + ": " + TextFormat.shortDebugString(request));
            }
        }
    }

    private static String etcdAnswer(KVGrpc.KVBlockingStub kv, Message request) {
        try {
            return text(switch (request) {
                case RangeRequest r -> kv.range(r);
                case PutRequest r -> kv.put(r);
                case DeleteRangeRequest r -> kv.deleteRange(r);
                case TxnRequest r -> kv.txn(r);
                case CompactionRequest r -> kv.compact(r);
                default -> throw new IllegalArgumentException(request.toString());
            });
        } catch (StatusRuntimeException e) {
            return "error " + e.getStatus().getCode() + ": " + e.getStatus().getDescription();
        }
    }

    /** What the server does with each request: the checks before proposing, then the read path or the log. */
    private static String ourAnswer(ApplyFixture fx, Message request) {
        try {
            return text(switch (request) {
                case RangeRequest r -> {
                    RequestChecks.checkRange(r);
                    yield fx.applier.range(r);
                }
                case PutRequest r -> {
                    RequestChecks.checkPut(r);
                    yield fx.apply(InternalRequest.newBuilder().setPut(r).build()).response();
                }
                case DeleteRangeRequest r -> {
                    RequestChecks.checkDeleteRange(r);
                    yield fx.apply(InternalRequest.newBuilder().setDeleteRange(r).build()).response();
                }
                case TxnRequest r -> {
                    RequestChecks.checkTxn(r, MAX_TXN_OPS);
                    yield RequestChecks.isReadOnly(r)
                            ? fx.applier.txnReadOnly(r)
                            : fx.apply(InternalRequest.newBuilder().setTxn(r).build()).response();
                }
                case CompactionRequest r -> fx.apply(InternalRequest.newBuilder().setCompaction(r).build()).response();
                default -> throw new IllegalArgumentException(request.toString());
            });
        } catch (EtcdException e) {
            return "error " + e.error().code() + ": " + e.getMessage();
        }
    }

    /** The response without the member's identity in its header (nested headers are kept as they are). */
    private static String text(Message response) {
        Message.Builder builder = response.toBuilder();
        FieldDescriptor field = response.getDescriptorForType().findFieldByName("header");
        ResponseHeader header = (ResponseHeader) builder.getField(field);
        builder.setField(field, header.toBuilder().clearClusterId().clearMemberId().clearRaftTerm().build());
        return TextFormat.printer().printToString(builder.build());
    }

    private static RangeRequest.Builder all() {
        return RangeRequest.newBuilder().setKey(FROM_KEY).setRangeEnd(FROM_KEY);
    }

    private static List<Message> script() {
        List<Message> s = new ArrayList<>();
        // Data: at revision 8, bar(3,8,v3,"5") baz(4,4,v1,"2") foo(2,5,v2,"0") qux(6,6,v1,"9").
        s.add(putRequest("foo", "3").build());
        s.add(putRequest("bar", "1").setPrevKv(true).build());
        s.add(putRequest("baz", "2").build());
        s.add(putRequest("foo", "0").setPrevKv(true).build());
        s.add(putRequest("qux", "9").build());
        s.add(putRequest("bar", "4").build());
        s.add(putRequest("bar", "5").build());
        // Ranges.
        s.add(get("foo").build());
        s.add(get("nope").build());
        s.add(get("bar", "foo").build());
        s.add(get("ba", "bb").build());
        s.add(get("baz").setRangeEnd(FROM_KEY).build());
        s.add(all().build());
        s.add(all().setRevision(4).build());
        s.add(all().setLimit(2).build());
        s.add(all().setLimit(4).build());
        s.add(all().setCountOnly(true).setLimit(1).build());
        s.add(all().setKeysOnly(true).build());
        for (SortTarget target : List.of(SortTarget.KEY, SortTarget.VERSION, SortTarget.CREATE, SortTarget.MOD, SortTarget.VALUE)) {
            for (SortOrder order : List.of(SortOrder.NONE, SortOrder.ASCEND, SortOrder.DESCEND)) {
                s.add(all().setSortTarget(target).setSortOrder(order).build());
                s.add(all().setSortTarget(target).setSortOrder(order).setLimit(2).build());
            }
        }
        s.add(all().setMinModRevision(5).build());
        s.add(all().setMaxModRevision(5).build());
        s.add(all().setMinCreateRevision(3).build());
        s.add(all().setMaxCreateRevision(3).build());
        s.add(all().setMinModRevision(5).setMaxCreateRevision(4).setLimit(1).build());
        s.add(all().setMinModRevision(5).setSortTarget(SortTarget.VALUE).setLimit(2).build());
        s.add(get("foo").setRevision(9).build());
        s.add(RangeRequest.getDefaultInstance());
        // Puts and deletes that fail.
        s.add(putRequest("", "v").build());
        s.add(putRequest("nope", "").setIgnoreValue(true).build());
        s.add(putRequest("nope", "v").setIgnoreLease(true).build());
        s.add(putRequest("foo", "v").setIgnoreValue(true).build());
        s.add(putRequest("foo", "v").setIgnoreLease(true).setLease(5).build());
        s.add(putRequest("foo", "v").setLease(12345).build());
        s.add(DeleteRangeRequest.getDefaultInstance());
        // Puts that keep the value, deletes.
        s.add(putRequest("foo", "").setIgnoreValue(true).setPrevKv(true).build());
        s.add(putRequest("foo", "1").setIgnoreLease(true).build());
        s.add(putRequest("a1", "x").build());
        s.add(putRequest("a2", "y").build());
        s.add(del("a1", "a3").setPrevKv(true).build());
        s.add(del("zzz").setPrevKv(true).build());
        // Txn compares of every target on foo (create 2, mod 10, version 4, value "1", lease 0).
        for (CompareResult result : List.of(CompareResult.EQUAL, CompareResult.GREATER, CompareResult.LESS, CompareResult.NOT_EQUAL)) {
            for (long operand : List.of(0L, 2L, 4L, 10L)) {
                s.add(compareTxn(compare("foo", CompareTarget.VERSION, result).setVersion(operand)));
                s.add(compareTxn(compare("foo", CompareTarget.CREATE, result).setCreateRevision(operand)));
                s.add(compareTxn(compare("foo", CompareTarget.MOD, result).setModRevision(operand)));
                s.add(compareTxn(compare("foo", CompareTarget.LEASE, result).setLease(operand)));
                s.add(compareTxn(compare("missing", CompareTarget.VERSION, result).setVersion(operand)));
            }
            for (String value : List.of("", "0", "1", "2")) {
                s.add(compareTxn(compare("foo", CompareTarget.VALUE, result).setValue(b(value))));
                s.add(compareTxn(compare("missing", CompareTarget.VALUE, result).setValue(b(value))));
            }
            s.add(compareTxn(compare("bar", CompareTarget.VERSION, result).setVersion(1).setRangeEnd(b("bb"))));
            s.add(compareTxn(compare("bar", CompareTarget.CREATE, result).setCreateRevision(3).setRangeEnd(FROM_KEY)));
        }
        // Txns that write, nested txns.
        s.add(TxnRequest.newBuilder()
                .addCompare(compare("foo", CompareTarget.VALUE, CompareResult.EQUAL).setValue(b("1")))
                .addSuccess(op(putRequest("t1", "1")))
                .addSuccess(op(get("t1")))
                .addSuccess(op(putRequest("t2", "2").setPrevKv(true)))
                .addSuccess(op(del("baz").setPrevKv(true)))
                .addFailure(op(get("foo")))
                .build());
        s.add(TxnRequest.newBuilder()
                .addSuccess(op(putRequest("x", "1")))
                .addSuccess(op(TxnRequest.newBuilder()
                        .addCompare(compare("x", CompareTarget.VERSION, CompareResult.EQUAL).setVersion(0))
                        .addSuccess(op(putRequest("y", "1")))
                        .addSuccess(op(get("y")))
                        .addFailure(op(putRequest("z", "1")))))
                .addSuccess(op(TxnRequest.newBuilder()
                        .addCompare(compare("x", CompareTarget.VALUE, CompareResult.EQUAL).setValue(b("1")))
                        .addSuccess(op(putRequest("w", "1")))
                        .addFailure(op(get("x")))
                        .addFailure(op(TxnRequest.newBuilder().addFailure(op(del("t1")))))))
                .build());
        s.add(TxnRequest.newBuilder().addFailure(op(putRequest("t3", "1"))).addSuccess(op(get("t1"))).build());
        s.add(TxnRequest.newBuilder().build());
        s.add(TxnRequest.newBuilder().addSuccess(op(get("foo"))).addSuccess(op(get("a", "z").setCountOnly(true))).build());
        // Txns that the checks or the apply refuse.
        s.add(TxnRequest.newBuilder().addSuccess(op(putRequest("k", "1"))).addSuccess(op(putRequest("k", "2"))).build());
        s.add(TxnRequest.newBuilder().addSuccess(op(putRequest("k", "1"))).addFailure(op(putRequest("k", "2"))).build());
        s.add(TxnRequest.newBuilder().addSuccess(op(del("a", "c"))).addSuccess(op(putRequest("b", "1"))).build());
        s.add(TxnRequest.newBuilder().addSuccess(op(del("a").setRangeEnd(FROM_KEY))).addSuccess(op(putRequest("zz", "1"))).build());
        s.add(TxnRequest.newBuilder().addSuccess(op(putRequest("k", "1")))
                .addSuccess(op(TxnRequest.newBuilder().addFailure(op(putRequest("k", "2"))))).build());
        s.add(TxnRequest.newBuilder()
                .addSuccess(op(TxnRequest.newBuilder().addSuccess(op(putRequest("k", "1"))).addFailure(op(putRequest("k", "2"))))).build());
        s.add(TxnRequest.newBuilder().addSuccess(op(TxnRequest.newBuilder().addSuccess(op(putRequest("k", "1")))))
                .addSuccess(op(TxnRequest.newBuilder().addSuccess(op(del("k"))))).build());
        s.add(TxnRequest.newBuilder().addSuccess(op(TxnRequest.newBuilder().addSuccess(op(del("k")))))
                .addSuccess(op(TxnRequest.newBuilder().addSuccess(op(putRequest("k", "1"))))).build());
        s.add(TxnRequest.newBuilder().addSuccess(RequestOp.getDefaultInstance()).build());
        s.add(TxnRequest.newBuilder().addSuccess(op(get(""))).build());
        TxnRequest.Builder tooMany = TxnRequest.newBuilder();
        for (int i = 0; i <= MAX_TXN_OPS; i++) {
            tooMany.addCompare(compare("k" + i, CompareTarget.VERSION, CompareResult.EQUAL));
        }
        s.add(tooMany.build());
        s.add(TxnRequest.newBuilder().addSuccess(op(putRequest("t1", "1"))).addSuccess(op(putRequest("nope", "").setIgnoreValue(true))).build());
        s.add(TxnRequest.newBuilder().addSuccess(op(putRequest("t1", "1"))).addSuccess(op(putRequest("t4", "1").setLease(777))).build());
        s.add(TxnRequest.newBuilder().addSuccess(op(get("foo").setRevision(99))).addSuccess(op(putRequest("nope", "").setIgnoreLease(true))).build());
        s.add(TxnRequest.newBuilder().addSuccess(op(putRequest("t1", "1"))).addSuccess(op(get("foo").setRevision(99))).build());
        // Compaction.
        s.add(CompactionRequest.newBuilder().setRevision(99).build());
        s.add(CompactionRequest.newBuilder().setRevision(5).build());
        s.add(CompactionRequest.newBuilder().setRevision(5).build());
        s.add(CompactionRequest.newBuilder().setRevision(4).build());
        s.add(get("foo").setRevision(4).build());
        s.add(get("foo").setRevision(5).build());
        s.add(TxnRequest.newBuilder().addSuccess(op(get("foo").setRevision(4))).build());
        s.add(TxnRequest.newBuilder().addSuccess(op(putRequest("t5", "1"))).addSuccess(op(get("foo").setRevision(4))).build());
        s.add(TxnRequest.newBuilder().addSuccess(op(get("foo").setRevision(-1))).build());
        s.add(get("foo").setRevision(-1).build());
        s.add(all().build());
        return s;
    }

    private static TxnRequest compareTxn(etcetera.wire.etcdserverpb.Compare.Builder compare) {
        return TxnRequest.newBuilder().addCompare(compare).addSuccess(op(get("foo"))).addFailure(op(get("bar"))).build();
    }
}
