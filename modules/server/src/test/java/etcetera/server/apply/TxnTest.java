package etcetera.server.apply;

import static etcetera.server.apply.ApplyFixture.FROM_KEY;
import static etcetera.server.apply.ApplyFixture.assertFails;
import static etcetera.server.apply.ApplyFixture.b;
import static etcetera.server.apply.ApplyFixture.compare;
import static etcetera.server.apply.ApplyFixture.del;
import static etcetera.server.apply.ApplyFixture.get;
import static etcetera.server.apply.ApplyFixture.header;
import static etcetera.server.apply.ApplyFixture.kv;
import static etcetera.server.apply.ApplyFixture.op;
import static etcetera.server.apply.ApplyFixture.putRequest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import etcetera.server.errors.EtcdError;
import etcetera.server.mvcc.Event;
import etcetera.wire.etcdserverpb.Compare;
import etcetera.wire.etcdserverpb.Compare.CompareResult;
import etcetera.wire.etcdserverpb.Compare.CompareTarget;
import etcetera.wire.etcdserverpb.DeleteRangeResponse;
import etcetera.wire.etcdserverpb.PutResponse;
import etcetera.wire.etcdserverpb.RangeResponse;
import etcetera.wire.etcdserverpb.ResponseHeader;
import etcetera.wire.etcdserverpb.ResponseOp;
import etcetera.wire.etcdserverpb.TxnRequest;
import etcetera.wire.etcdserverpb.TxnResponse;
import etcetera.wire.internal.InternalRequest;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TxnTest extends OnStoreTest {

    @BeforeEach
    void leaseSevenExists() {
        fx.leases.add(7L);
    }

    private static ResponseHeader rev(long revision) {
        return ResponseHeader.newBuilder().setRevision(revision).build();
    }

    private static Compare.Builder withOperand(Compare.Builder compare, String operand) {
        return switch (compare.getTarget()) {
            case VERSION -> compare.setVersion(Long.parseLong(operand));
            case CREATE -> compare.setCreateRevision(Long.parseLong(operand));
            case MOD -> compare.setModRevision(Long.parseLong(operand));
            case LEASE -> compare.setLease(Long.parseLong(operand));
            case VALUE -> compare.setValue(b(operand));
            case UNRECOGNIZED -> throw new IllegalArgumentException();
        };
    }

    /** Whether a txn with this one compare takes its success branch, through the log and on the read path alike. */
    private boolean succeeds(Compare.Builder compare) {
        TxnRequest request = TxnRequest.newBuilder().addCompare(compare).build();
        boolean logged = fx.txn(request).getSucceeded();
        assertEquals(logged, fx.applier.txnReadOnly(request).getSucceeded(), "read path and log path agree");
        return logged;
    }

    @ParameterizedTest(name = "{0} {1} {2} -> {3}")
    @CsvSource({
            "VERSION, EQUAL,     2,  true",
            "VERSION, EQUAL,     1,  false",
            "VERSION, GREATER,   1,  true",
            "VERSION, GREATER,   2,  false",
            "VERSION, LESS,      3,  true",
            "VERSION, LESS,      2,  false",
            "VERSION, NOT_EQUAL, 1,  true",
            "VERSION, NOT_EQUAL, 2,  false",
            "CREATE,  EQUAL,     2,  true",
            "CREATE,  GREATER,   1,  true",
            "CREATE,  LESS,      2,  false",
            "CREATE,  NOT_EQUAL, 2,  false",
            "MOD,     EQUAL,     3,  true",
            "MOD,     LESS,      4,  true",
            "MOD,     GREATER,   3,  false",
            "MOD,     NOT_EQUAL, 4,  true",
            "VALUE,   EQUAL,     v2, true",
            "VALUE,   EQUAL,     v1, false",
            "VALUE,   GREATER,   v1, true",
            "VALUE,   LESS,      v3, true",
            "VALUE,   LESS,      v2, false",
            "VALUE,   NOT_EQUAL, v2, false",
            "VALUE,   GREATER,   v,  true",
            "LEASE,   EQUAL,     7,  true",
            "LEASE,   EQUAL,     0,  false",
            "LEASE,   GREATER,   6,  true",
            "LEASE,   LESS,      7,  false",
            "LEASE,   NOT_EQUAL, 7,  false",
    })
    void compareOfAnExistingKey(CompareTarget target, CompareResult result, String operand, boolean expected) {
        fx.put("foo", "v1");
        fx.put(putRequest("foo", "v2").setLease(7).build()); // create 2, mod 3, version 2, lease 7
        assertEquals(expected, succeeds(withOperand(compare("foo", target, result), operand)));
    }

    @ParameterizedTest(name = "{0} {1} {2} -> {3}")
    @CsvSource({
            "VERSION, EQUAL,     0, true",
            "CREATE,  EQUAL,     0, true",
            "MOD,     LESS,      1, true",
            "LEASE,   EQUAL,     0, true",
            "VERSION, GREATER,   0, false",
            "VALUE,   EQUAL,     '', false",
            "VALUE,   NOT_EQUAL, x, false",
    })
    void compareOfAMissingKeyIsAgainstZeroAndAValueCompareFails(CompareTarget target, CompareResult result, String operand,
            boolean expected) {
        assertEquals(expected, succeeds(withOperand(compare("missing", target, result), operand == null ? "" : operand)));
    }

    @Test
    void compareWithRangeEndMustHoldForEveryKeyOfTheRange() {
        fx.put("a", "1");
        fx.put("b", "1");
        fx.put("c", "1");
        fx.put("c", "2");
        assertEquals(true, succeeds(compare("a", CompareTarget.VERSION, CompareResult.EQUAL).setVersion(1).setRangeEnd(b("c"))));
        assertEquals(false, succeeds(compare("a", CompareTarget.VERSION, CompareResult.EQUAL).setVersion(1).setRangeEnd(b("d"))));
        assertEquals(true, succeeds(compare("b", CompareTarget.VERSION, CompareResult.GREATER).setVersion(0).setRangeEnd(FROM_KEY)));
        assertEquals(true, succeeds(compare("x", CompareTarget.VERSION, CompareResult.EQUAL).setVersion(0).setRangeEnd(b("y"))),
                "an empty range compares as one missing key");
        assertEquals(false, succeeds(compare("x", CompareTarget.VALUE, CompareResult.EQUAL).setValue(b("")).setRangeEnd(b("y"))));
    }

    @Test
    void everyCompareMustHold() {
        fx.put("a", "1");
        Compare.Builder holds = compare("a", CompareTarget.VALUE, CompareResult.EQUAL).setValue(b("1"));
        Compare.Builder fails = compare("a", CompareTarget.VERSION, CompareResult.GREATER).setVersion(1);
        assertEquals(true, fx.txn(TxnRequest.newBuilder().addCompare(holds).addCompare(holds).build()).getSucceeded());
        assertEquals(false, fx.txn(TxnRequest.newBuilder().addCompare(holds).addCompare(fails).build()).getSucceeded());
    }

    @Test
    void successBranchRunsInOrderWithAllChangesAtOneRevision() {
        fx.put("a", "1");
        TxnRequest request = TxnRequest.newBuilder()
                .addCompare(compare("a", CompareTarget.VALUE, CompareResult.EQUAL).setValue(b("1")))
                .addSuccess(op(putRequest("b", "2")))
                .addSuccess(op(get("b")))
                .addSuccess(op(putRequest("c", "3").setPrevKv(true)))
                .addSuccess(op(del("a").setPrevKv(true)))
                .addFailure(op(get("a")))
                .build();
        Applied applied = fx.apply(InternalRequest.newBuilder().setTxn(request).build());
        assertEquals(TxnResponse.newBuilder().setHeader(header(3)).setSucceeded(true)
                .addResponses(ResponseOp.newBuilder().setResponsePut(PutResponse.newBuilder().setHeader(rev(3))))
                .addResponses(ResponseOp.newBuilder().setResponseRange(RangeResponse.newBuilder().setHeader(rev(3))
                        .addKvs(kv("b", 3, 3, 1, "2")).setCount(1)))
                .addResponses(ResponseOp.newBuilder().setResponsePut(PutResponse.newBuilder().setHeader(rev(3))))
                .addResponses(ResponseOp.newBuilder().setResponseDeleteRange(DeleteRangeResponse.newBuilder().setHeader(rev(3))
                        .setDeleted(1).addPrevKvs(kv("a", 2, 2, 1, "1"))))
                .build(), applied.response());
        assertEquals(List.of(Event.Type.PUT, Event.Type.PUT, Event.Type.DELETE), applied.events().stream().map(Event::type).toList());
        assertEquals(List.of(3L, 3L, 3L), applied.events().stream().map(e -> e.kv().modRevision()).toList());
        assertEquals(3, fx.store.currentRevision());
    }

    @Test
    void failureBranchThatOnlyReadsTakesNoRevision() {
        fx.put("a", "1");
        TxnRequest request = TxnRequest.newBuilder()
                .addCompare(compare("a", CompareTarget.VALUE, CompareResult.EQUAL).setValue(b("nope")))
                .addSuccess(op(putRequest("b", "2")))
                .addFailure(op(get("a")))
                .build();
        Applied applied = fx.apply(InternalRequest.newBuilder().setTxn(request).build());
        assertEquals(TxnResponse.newBuilder().setHeader(header(2)).setSucceeded(false)
                .addResponses(ResponseOp.newBuilder().setResponseRange(RangeResponse.newBuilder().setHeader(rev(2))
                        .addKvs(kv("a", 2, 2, 1, "1")).setCount(1)))
                .build(), applied.response());
        assertEquals(List.of(), applied.events());
        assertEquals(2, fx.store.currentRevision());
    }

    @Test
    void nestedTxnsDecideTheirComparesBeforeAnyWriteAndReadInOrder() {
        TxnRequest request = TxnRequest.newBuilder()
                .addSuccess(op(putRequest("x", "1")))
                // x does not exist yet when compares are decided: version 0, success.
                .addSuccess(op(TxnRequest.newBuilder()
                        .addCompare(compare("x", CompareTarget.VERSION, CompareResult.EQUAL).setVersion(0))
                        .addSuccess(op(putRequest("y", "1")))
                        .addFailure(op(putRequest("z", "1")))))
                // Its value compare fails (no key), but its range runs after the put of x and sees it.
                .addSuccess(op(TxnRequest.newBuilder()
                        .addCompare(compare("x", CompareTarget.VALUE, CompareResult.EQUAL).setValue(b("1")))
                        .addSuccess(op(putRequest("w", "1")))
                        .addFailure(op(get("x")))))
                .build();
        TxnResponse response = fx.txn(request);
        assertEquals(TxnResponse.newBuilder().setHeader(header(2)).setSucceeded(true)
                .addResponses(ResponseOp.newBuilder().setResponsePut(PutResponse.newBuilder().setHeader(rev(2))))
                .addResponses(ResponseOp.newBuilder().setResponseTxn(TxnResponse.newBuilder()
                        .setHeader(ResponseHeader.getDefaultInstance()).setSucceeded(true)
                        .addResponses(ResponseOp.newBuilder().setResponsePut(PutResponse.newBuilder().setHeader(rev(2))))))
                .addResponses(ResponseOp.newBuilder().setResponseTxn(TxnResponse.newBuilder()
                        .setHeader(ResponseHeader.getDefaultInstance()).setSucceeded(false)
                        .addResponses(ResponseOp.newBuilder().setResponseRange(RangeResponse.newBuilder().setHeader(rev(2))
                                .addKvs(kv("x", 2, 2, 1, "1")).setCount(1)))))
                .build(), response);
        assertEquals(List.of("x", "y"), fx.keys(get("a", "z").build()));
    }

    @Test
    void aFailingPutCheckWritesNothing() {
        TxnRequest missingKey = TxnRequest.newBuilder()
                .addSuccess(op(putRequest("a", "1")))
                .addSuccess(op(putRequest("b", "").setIgnoreValue(true)))
                .build();
        assertFails(EtcdError.KEY_NOT_FOUND, "etcdserver: key not found", () -> fx.txn(missingKey));
        TxnRequest unknownLease = TxnRequest.newBuilder()
                .addSuccess(op(putRequest("a", "1")))
                .addSuccess(op(TxnRequest.newBuilder().addSuccess(op(putRequest("b", "1").setLease(99)))))
                .build();
        assertFails(EtcdError.LEASE_NOT_FOUND, "etcdserver: requested lease not found", () -> fx.txn(unknownLease));
        assertEquals(1, fx.store.currentRevision());
        assertEquals(0, fx.range(get("a").build()).getCount());
    }

    @Test
    void putsAreCheckedBeforeRangesAsEtcdDoes() {
        TxnRequest request = TxnRequest.newBuilder()
                .addSuccess(op(get("a").setRevision(99)))
                .addSuccess(op(putRequest("b", "").setIgnoreValue(true)))
                .build();
        assertFails(EtcdError.KEY_NOT_FOUND, "etcdserver: key not found", () -> fx.txn(request));
    }

    @Test
    void onlyTheChosenBranchIsChecked() {
        TxnRequest request = TxnRequest.newBuilder()
                .addSuccess(op(putRequest("a", "1")))
                .addFailure(op(putRequest("b", "").setIgnoreValue(true)))
                .addFailure(op(get("a").setRevision(99)))
                .build();
        assertEquals(true, fx.txn(request).getSucceeded());
    }

    @Test
    void futureRangeRevisionRefusesTheTxn() {
        TxnRequest request = TxnRequest.newBuilder()
                .addSuccess(op(putRequest("a", "1")))
                .addSuccess(op(get("a").setRevision(2))) // the txn's own revision is not readable as a past one
                .build();
        assertFails(EtcdError.FUTURE_REV, "etcdserver: mvcc: required revision is a future revision", () -> fx.txn(request));
        assertEquals(1, fx.store.currentRevision());
    }

    @Test
    void compactedRangeRevisionRefusesTheTxnEvenBeforeTheCompactionIsCommitted() {
        fx.put("a", "1");
        fx.put("a", "2");
        fx.put("a", "3");
        fx.applyInBatch(InternalRequest.newBuilder().setCompaction(
                etcetera.wire.etcdserverpb.CompactionRequest.newBuilder().setRevision(3)).build());
        TxnRequest request = TxnRequest.newBuilder()
                .addSuccess(op(putRequest("b", "1")))
                .addSuccess(op(get("a").setRevision(2)))
                .build();
        assertFails(EtcdError.COMPACTED, "etcdserver: mvcc: required revision has been compacted",
                () -> fx.applyInBatch(InternalRequest.newBuilder().setTxn(request).build()));
        fx.commit();
        assertEquals(4, fx.store.currentRevision());
        assertEquals(0, fx.range(get("b").build()).getCount());
        TxnRequest atCompaction = TxnRequest.newBuilder().addSuccess(op(get("a").setRevision(3))).build();
        assertEquals(List.of(kv("a", 2, 3, 2, "2")),
                fx.txn(atCompaction).getResponses(0).getResponseRange().getKvsList());
    }

    @Test
    void negativeRangeRevisionInATxnIsComparedWithTheCompactionRevisionAsInEtcd() {
        fx.put("a", "1");
        fx.put("a", "2");
        TxnRequest request = TxnRequest.newBuilder().addSuccess(op(get("a").setRevision(-1))).build();
        assertEquals(List.of(kv("a", 2, 3, 2, "2")), fx.txn(request).getResponses(0).getResponseRange().getKvsList(),
                "-1 is not before the compaction revision of a never compacted store (-1): read at the current revision");
        fx.compact(2);
        assertFails(EtcdError.COMPACTED, "etcdserver: mvcc: required revision has been compacted", () -> fx.txn(request));
    }

    @Test
    void readOnlyTxnIsServedOnTheCommittedView() {
        fx.put("a", "1");
        fx.put("b", "2");
        TxnRequest request = TxnRequest.newBuilder()
                .addCompare(compare("a", CompareTarget.CREATE, CompareResult.LESS).setCreateRevision(3))
                .addSuccess(op(get("a", "c").setCountOnly(true)))
                .addFailure(op(get("a")))
                .build();
        assertEquals(TxnResponse.newBuilder().setHeader(header(3)).setSucceeded(true)
                .addResponses(ResponseOp.newBuilder().setResponseRange(RangeResponse.newBuilder().setHeader(rev(3)).setCount(2)))
                .build(), fx.applier.txnReadOnly(request));
        fx.compact(3);
        assertFails(EtcdError.COMPACTED, "etcdserver: mvcc: required revision has been compacted",
                () -> fx.applier.txnReadOnly(TxnRequest.newBuilder().addSuccess(op(get("a").setRevision(2))).build()));
        assertThrows(IllegalArgumentException.class,
                () -> fx.applier.txnReadOnly(TxnRequest.newBuilder().addSuccess(op(putRequest("a", "1"))).build()));
    }

    @Test
    void emptyTxnSucceedsAtTheCurrentRevision() {
        fx.put("a", "1");
        assertEquals(TxnResponse.newBuilder().setHeader(header(2)).setSucceeded(true).build(),
                fx.txn(TxnRequest.getDefaultInstance()));
    }

    @Test
    void noSpaceAlarmRefusesTxnsWithTopLevelPutsOnly() {
        fx.put("a", "1");
        fx.noSpace = true;
        TxnRequest put = TxnRequest.newBuilder().addFailure(op(putRequest("b", "1"))).build();
        assertFails(EtcdError.NO_SPACE, "etcdserver: mvcc: database space exceeded", () -> fx.txn(put));
        assertEquals(1, fx.txn(TxnRequest.newBuilder().addSuccess(op(del("a"))).build())
                .getResponses(0).getResponseDeleteRange().getDeleted());
        // etcd's quota counts top-level puts only.
        TxnRequest nestedPut = TxnRequest.newBuilder()
                .addSuccess(op(TxnRequest.newBuilder().addSuccess(op(putRequest("c", "1"))))).build();
        assertEquals(true, fx.txn(nestedPut).getSucceeded());
        assertEquals(1, fx.range(get("c").build()).getCount());
    }
}
