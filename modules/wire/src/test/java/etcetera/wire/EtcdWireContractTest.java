package etcetera.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import etcetera.wire.etcdserverpb.AuthGrpc;
import etcetera.wire.etcdserverpb.ClusterGrpc;
import etcetera.wire.etcdserverpb.Compare;
import etcetera.wire.etcdserverpb.KVGrpc;
import etcetera.wire.etcdserverpb.LeaseGrpc;
import etcetera.wire.etcdserverpb.MaintenanceGrpc;
import etcetera.wire.etcdserverpb.PutRequest;
import etcetera.wire.etcdserverpb.RangeResponse;
import etcetera.wire.etcdserverpb.ResponseHeader;
import etcetera.wire.etcdserverpb.WatchGrpc;
import etcetera.wire.etcdserverpb.WatchResponse;
import etcetera.wire.internal.InternalRequest;
import etcetera.wire.mvccpb.Event;
import etcetera.wire.mvccpb.KeyValue;
import etcetera.wire.v3electionpb.ElectionGrpc;
import etcetera.wire.v3lockpb.LockGrpc;
import io.grpc.MethodDescriptor.MethodType;
import org.junit.jupiter.api.Test;

/**
 * Checks that the generated code speaks etcd 3.4's contract: the gRPC method paths clients
 * call, and the exact bytes that etcd's field numbers imply.
 */
final class EtcdWireContractTest {

    @Test
    void servicesUseEtcdMethodPaths() {
        assertEquals("etcdserverpb.KV/Range", KVGrpc.getRangeMethod().getFullMethodName());
        assertEquals("etcdserverpb.KV/Put", KVGrpc.getPutMethod().getFullMethodName());
        assertEquals("etcdserverpb.KV/DeleteRange", KVGrpc.getDeleteRangeMethod().getFullMethodName());
        assertEquals("etcdserverpb.KV/Txn", KVGrpc.getTxnMethod().getFullMethodName());
        assertEquals("etcdserverpb.KV/Compact", KVGrpc.getCompactMethod().getFullMethodName());
        assertEquals("etcdserverpb.Watch/Watch", WatchGrpc.getWatchMethod().getFullMethodName());
        assertEquals("etcdserverpb.Lease/LeaseGrant", LeaseGrpc.getLeaseGrantMethod().getFullMethodName());
        assertEquals("etcdserverpb.Lease/LeaseKeepAlive", LeaseGrpc.getLeaseKeepAliveMethod().getFullMethodName());
        assertEquals("etcdserverpb.Cluster/MemberList", ClusterGrpc.getMemberListMethod().getFullMethodName());
        assertEquals("etcdserverpb.Maintenance/Status", MaintenanceGrpc.getStatusMethod().getFullMethodName());
        assertEquals("etcdserverpb.Maintenance/Snapshot", MaintenanceGrpc.getSnapshotMethod().getFullMethodName());
        assertEquals("etcdserverpb.Maintenance/MoveLeader", MaintenanceGrpc.getMoveLeaderMethod().getFullMethodName());
        assertEquals("etcdserverpb.Auth/Authenticate", AuthGrpc.getAuthenticateMethod().getFullMethodName());
        assertEquals("etcdserverpb.Auth/RoleRevokePermission",
                AuthGrpc.getRoleRevokePermissionMethod().getFullMethodName());
        assertEquals("v3lockpb.Lock/Lock", LockGrpc.getLockMethod().getFullMethodName());
        assertEquals("v3lockpb.Lock/Unlock", LockGrpc.getUnlockMethod().getFullMethodName());
        assertEquals("v3electionpb.Election/Campaign", ElectionGrpc.getCampaignMethod().getFullMethodName());
        assertEquals("v3electionpb.Election/Observe", ElectionGrpc.getObserveMethod().getFullMethodName());
    }

    @Test
    void streamingShapesMatchEtcd() {
        assertEquals(MethodType.BIDI_STREAMING, WatchGrpc.getWatchMethod().getType());
        assertEquals(MethodType.BIDI_STREAMING, LeaseGrpc.getLeaseKeepAliveMethod().getType());
        assertEquals(MethodType.SERVER_STREAMING, MaintenanceGrpc.getSnapshotMethod().getType());
        assertEquals(MethodType.SERVER_STREAMING, ElectionGrpc.getObserveMethod().getType());
        assertEquals(MethodType.UNARY, KVGrpc.getRangeMethod().getType());
    }

    @Test
    void serviceCountsMatchEtcd34() {
        assertEquals(5, KVGrpc.getServiceDescriptor().getMethods().size());
        assertEquals(1, WatchGrpc.getServiceDescriptor().getMethods().size());
        assertEquals(5, LeaseGrpc.getServiceDescriptor().getMethods().size());
        assertEquals(5, ClusterGrpc.getServiceDescriptor().getMethods().size());
        assertEquals(7, MaintenanceGrpc.getServiceDescriptor().getMethods().size());
        assertEquals(16, AuthGrpc.getServiceDescriptor().getMethods().size());
        assertEquals(2, LockGrpc.getServiceDescriptor().getMethods().size());
        assertEquals(5, ElectionGrpc.getServiceDescriptor().getMethods().size());
    }

    @Test
    void putRequestEncodesWithEtcdFieldNumbers() {
        var put = PutRequest.newBuilder()
                .setKey(ByteString.copyFromUtf8("a"))
                .setValue(ByteString.copyFromUtf8("b"))
                .setLease(5)
                .build();
        // key: field 1 length-delimited; value: field 2 length-delimited; lease: field 3 varint
        assertArrayEquals(bytes(0x0a, 0x01, 'a', 0x12, 0x01, 'b', 0x18, 0x05), put.toByteArray());
    }

    @Test
    void compareRangeEndUsesFieldSixtyFour() {
        var compare = Compare.newBuilder()
                .setResult(Compare.CompareResult.GREATER)
                .setTarget(Compare.CompareTarget.MOD)
                .setKey(ByteString.copyFromUtf8("k"))
                .setModRevision(7)
                .setRangeEnd(ByteString.copyFromUtf8("l"))
                .build();
        assertArrayEquals(
                bytes(0x08, 0x01, 0x10, 0x02, 0x1a, 0x01, 'k', 0x30, 0x07, 0x82, 0x04, 0x01, 'l'),
                compare.toByteArray());
    }

    @Test
    void watchResponseEventsUseFieldEleven() {
        var response = WatchResponse.newBuilder()
                .setWatchId(1)
                .addEvents(Event.newBuilder().setType(Event.EventType.DELETE))
                .build();
        assertArrayEquals(bytes(0x10, 0x01, 0x5a, 0x02, 0x08, 0x01), response.toByteArray());
    }

    @Test
    void rangeResponseWithHeaderAndKvsRoundTrips() throws InvalidProtocolBufferException {
        var response = RangeResponse.newBuilder()
                .setHeader(ResponseHeader.newBuilder()
                        .setClusterId(0xcdf818194e3a8c32L)
                        .setMemberId(0x8e9e05c52164694dL)
                        .setRevision(42)
                        .setRaftTerm(3))
                .addKvs(KeyValue.newBuilder()
                        .setKey(ByteString.copyFromUtf8("foo"))
                        .setCreateRevision(40)
                        .setModRevision(42)
                        .setVersion(2)
                        .setValue(ByteString.copyFromUtf8("bar")))
                .setCount(1)
                .build();

        var decoded = RangeResponse.parseFrom(response.toByteArray());

        assertEquals(response, decoded);
        assertEquals(0xcdf818194e3a8c32L, decoded.getHeader().getClusterId());
        assertEquals("bar", decoded.getKvs(0).getValue().toStringUtf8());
        // a response holding only count = 1 is field 4, varint
        assertArrayEquals(bytes(0x20, 0x01), RangeResponse.newBuilder().setCount(1).build().toByteArray());
    }

    @Test
    void internalRequestCarriesIdAndOperation() throws InvalidProtocolBufferException {
        var request = InternalRequest.newBuilder()
                .setId(9)
                .setPut(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("a")))
                .build();

        assertArrayEquals(bytes(0x08, 0x09, 0x22, 0x03, 0x0a, 0x01, 'a'), request.toByteArray());
        assertEquals(InternalRequest.RequestCase.PUT,
                InternalRequest.parseFrom(request.toByteArray()).getRequestCase());
    }

    private static byte[] bytes(int... values) {
        var out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }
}
