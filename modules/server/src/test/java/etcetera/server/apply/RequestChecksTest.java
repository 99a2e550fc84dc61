package etcetera.server.apply;

import static etcetera.server.apply.ApplyFixture.FROM_KEY;
import static etcetera.server.apply.ApplyFixture.assertFails;
import static etcetera.server.apply.ApplyFixture.b;
import static etcetera.server.apply.ApplyFixture.compare;
import static etcetera.server.apply.ApplyFixture.del;
import static etcetera.server.apply.ApplyFixture.get;
import static etcetera.server.apply.ApplyFixture.op;
import static etcetera.server.apply.ApplyFixture.putRequest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import etcetera.server.errors.EtcdError;
import etcetera.wire.etcdserverpb.Compare.CompareResult;
import etcetera.wire.etcdserverpb.Compare.CompareTarget;
import etcetera.wire.etcdserverpb.DeleteRangeRequest;
import etcetera.wire.etcdserverpb.RangeRequest;
import etcetera.wire.etcdserverpb.RequestOp;
import etcetera.wire.etcdserverpb.TxnRequest;
import org.junit.jupiter.api.Test;

class RequestChecksTest {

    private static final String EMPTY_KEY = "etcdserver: key is not provided";
    private static final String DUPLICATE = "etcdserver: duplicate key given in txn request";
    private static final String TOO_MANY = "etcdserver: too many operations in txn request";

    private static TxnRequest.Builder txn(RequestOp... success) {
        TxnRequest.Builder txn = TxnRequest.newBuilder();
        for (RequestOp op : success) {
            txn.addSuccess(op);
        }
        return txn;
    }

    private static void assertDuplicate(TxnRequest.Builder txn) {
        assertFails(EtcdError.DUPLICATE_KEY, DUPLICATE, () -> RequestChecks.checkTxn(txn.build(), 128));
    }

    private static void assertAccepted(TxnRequest.Builder txn) {
        RequestChecks.checkTxn(txn.build(), 128);
    }

    @Test
    void emptyKeysAreRefusedEverywhere() {
        assertFails(EtcdError.EMPTY_KEY, EMPTY_KEY, () -> RequestChecks.checkRange(RangeRequest.getDefaultInstance()));
        assertFails(EtcdError.EMPTY_KEY, EMPTY_KEY, () -> RequestChecks.checkPut(putRequest("", "v").build()));
        assertFails(EtcdError.EMPTY_KEY, EMPTY_KEY, () -> RequestChecks.checkDeleteRange(DeleteRangeRequest.getDefaultInstance()));
        assertFails(EtcdError.EMPTY_KEY, EMPTY_KEY, () -> RequestChecks.checkTxn(
                TxnRequest.newBuilder().addCompare(compare("", CompareTarget.VERSION, CompareResult.EQUAL)).build(), 128));
        assertFails(EtcdError.EMPTY_KEY, EMPTY_KEY, () -> RequestChecks.checkTxn(
                TxnRequest.newBuilder().addFailure(op(get(""))).build(), 128));
        assertFails(EtcdError.EMPTY_KEY, EMPTY_KEY, () -> RequestChecks.checkTxn(
                txn(op(txn(op(del(""))))).build(), 128));
    }

    @Test
    void ignoreValueWithAValueAndIgnoreLeaseWithALeaseAreRefused() {
        assertFails(EtcdError.VALUE_PROVIDED, "etcdserver: value is provided",
                () -> RequestChecks.checkPut(putRequest("k", "v").setIgnoreValue(true).build()));
        assertFails(EtcdError.LEASE_PROVIDED, "etcdserver: lease is provided",
                () -> RequestChecks.checkPut(putRequest("k", "v").setIgnoreLease(true).setLease(5).build()));
        RequestChecks.checkPut(putRequest("k", "").setIgnoreValue(true).setIgnoreLease(true).build());
        assertFails(EtcdError.VALUE_PROVIDED, "etcdserver: value is provided",
                () -> RequestChecks.checkTxn(txn(op(putRequest("k", "v").setIgnoreValue(true))).build(), 128));
    }

    @Test
    void anEmptyOperationIsKeyNotFound() {
        assertFails(EtcdError.KEY_NOT_FOUND, "etcdserver: key not found",
                () -> RequestChecks.checkTxn(txn(RequestOp.getDefaultInstance()).build(), 128));
    }

    @Test
    void tooManyOpsCountsTheLargestOfComparesSuccessAndFailure() {
        TxnRequest.Builder three = TxnRequest.newBuilder();
        for (int i = 0; i < 3; i++) {
            three.addCompare(compare("k" + i, CompareTarget.VERSION, CompareResult.EQUAL))
                    .addSuccess(op(get("k" + i)))
                    .addFailure(op(putRequest("k" + i, "v")));
        }
        RequestChecks.checkTxn(three.build(), 3);
        assertFails(EtcdError.TOO_MANY_OPS, TOO_MANY, () -> RequestChecks.checkTxn(three.build(), 2));
        assertFails(EtcdError.TOO_MANY_OPS, TOO_MANY,
                () -> RequestChecks.checkTxn(three.clone().addCompare(compare("x", CompareTarget.VERSION, CompareResult.EQUAL)).build(), 3));
    }

    @Test
    void aNestedTxnHasTheOpsItsParentLeaves() {
        // 2 ops at the top leave 1 of 3 to the nested txn.
        RequestChecks.checkTxn(txn(op(get("a")), op(txn(op(get("b"))))).build(), 3);
        assertFails(EtcdError.TOO_MANY_OPS, TOO_MANY,
                () -> RequestChecks.checkTxn(txn(op(get("a")), op(txn(op(get("b")), op(get("c"))))).build(), 3));
    }

    @Test
    void sizeIsCheckedBeforeKeys() {
        assertFails(EtcdError.TOO_MANY_OPS, TOO_MANY, () -> RequestChecks.checkTxn(txn(op(get("")), op(get(""))).build(), 1));
    }

    @Test
    void twoPutsOfOneKeyInABranchAreDuplicates() {
        assertDuplicate(txn(op(putRequest("k", "1")), op(putRequest("k", "2"))));
        assertAccepted(txn(op(putRequest("k", "1"))).addFailure(op(putRequest("k", "2"))));
        assertAccepted(txn(op(putRequest("k", "1")), op(get("k")), op(putRequest("j", "1"))));
    }

    @Test
    void aPutOfADeletedKeyIsADuplicate() {
        assertDuplicate(txn(op(putRequest("k", "1")), op(del("k"))));
        assertDuplicate(txn(op(del("a", "c")), op(putRequest("b", "1"))));
        assertDuplicate(txn(op(del("a", "c")), op(putRequest("a", "1"))));
        assertAccepted(txn(op(del("a", "c")), op(putRequest("c", "1"))));
        assertAccepted(txn(op(del("a", "c")), op(del("b", "d"))));
    }

    @Test
    void aFromKeyDeleteConflictsWithNoPutAsInEtcd34() {
        // Checked against etcd 3.4.23: txn [del a --from-key, put b x] succeeds; [del a c, put b x] is a duplicate.
        assertAccepted(txn(op(del("a").setRangeEnd(FROM_KEY)), op(putRequest("b", "x"))));
    }

    @Test
    void nestedPutsCountWithTheirParentsWrites() {
        assertDuplicate(txn(op(putRequest("k", "1")), op(txn(op(putRequest("k", "2"))))));
        assertDuplicate(txn(op(putRequest("k", "1")), op(TxnRequest.newBuilder().addFailure(op(putRequest("k", "2"))))));
        assertDuplicate(txn(op(del("k")), op(txn(op(putRequest("k", "2"))))));
        assertDuplicate(txn(op(txn(op(del("j", "l")))), op(putRequest("k", "2"))));
        assertDuplicate(txn(op(txn(op(putRequest("k", "1")))), op(txn(op(putRequest("k", "2"))))));
        assertDuplicate(txn(op(txn(op(txn(op(putRequest("k", "1")))))), op(putRequest("k", "2"))));
    }

    @Test
    void theTwoBranchesOfANestedTxnMayPutTheSameKey() {
        assertAccepted(txn(op(txn(op(putRequest("k", "1"))).addFailure(op(putRequest("k", "2"))))));
        assertDuplicate(txn(op(txn(op(putRequest("k", "1")))),
                op(txn(op(putRequest("j", "1"))).addFailure(op(putRequest("k", "2"))))));
    }

    @Test
    void aSiblingTxnMayDeleteAKeyAnEarlierOnePutsButNotTheOtherWayRound() {
        // etcd checks a nested txn's puts against the deletes of the nested txns before it only.
        assertAccepted(txn(op(txn(op(putRequest("k", "1")))), op(txn(op(del("k"))))));
        assertDuplicate(txn(op(txn(op(del("k")))), op(txn(op(putRequest("k", "1"))))));
    }

    @Test
    void readOnlyMeansOnlyRangesAtTheTopLevel() {
        assertTrue(RequestChecks.isReadOnly(TxnRequest.getDefaultInstance()));
        assertTrue(RequestChecks.isReadOnly(txn(op(get("a"))).addFailure(op(get("b"))).build()));
        assertFalse(RequestChecks.isReadOnly(txn(op(get("a"))).addFailure(op(del("b"))).build()));
        assertFalse(RequestChecks.isReadOnly(txn(op(txn(op(get("a"))))).build()), "a nested txn goes through the log, as in etcd");
    }

    @Test
    void serializableMeansEveryRangeIsSerializable() {
        assertTrue(RequestChecks.isSerializable(TxnRequest.getDefaultInstance()));
        assertTrue(RequestChecks.isSerializable(txn(op(get("a").setSerializable(true))).build()));
        assertFalse(RequestChecks.isSerializable(txn(op(get("a").setSerializable(true)), op(get("b"))).build()));
    }

    @Test
    void quotaCostIsEtcdsEstimateOfTopLevelPuts() {
        assertEquals(256 + 2 + 3, RequestChecks.quotaCost(putRequest("ab", "xyz").build()));
        TxnRequest request = txn(op(putRequest("a", "1")), op(putRequest("b", "2")), op(txn(op(putRequest("big", "x".repeat(1000))))))
                .addFailure(op(putRequest("ccc", "1")))
                .build();
        assertEquals(2 * 258, RequestChecks.quotaCost(request));
        assertTrue(RequestChecks.hasPuts(request));
        assertFalse(RequestChecks.hasPuts(txn(op(del("a")), op(txn(op(putRequest("a", "1"))))).build()));
    }

    @Test
    void keysAreComparedAsUnsignedBytes() {
        ByteString high = ByteString.copyFrom(new byte[] {(byte) 0xff});
        assertDuplicate(txn(op(del("a").setRangeEnd(ByteString.copyFrom(new byte[] {(byte) 0xff, 0}))),
                op(putRequest("x", "1").setKey(high))));
        assertAccepted(txn(op(del("a").setRangeEnd(b("b"))), op(putRequest("x", "1").setKey(high))));
    }
}
