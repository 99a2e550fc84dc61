package etcetera.server.grpc;

import etcetera.wire.etcdserverpb.ClusterGrpc;
import etcetera.wire.etcdserverpb.MemberAddRequest;
import etcetera.wire.etcdserverpb.MemberAddResponse;
import etcetera.wire.etcdserverpb.MemberListRequest;
import etcetera.wire.etcdserverpb.MemberListResponse;
import etcetera.wire.etcdserverpb.MemberPromoteRequest;
import etcetera.wire.etcdserverpb.MemberPromoteResponse;
import etcetera.wire.etcdserverpb.MemberRemoveRequest;
import etcetera.wire.etcdserverpb.MemberRemoveResponse;
import etcetera.wire.etcdserverpb.MemberUpdateRequest;
import etcetera.wire.etcdserverpb.MemberUpdateResponse;
import io.grpc.stub.StreamObserver;

/** etcd's {@code etcdserverpb.Cluster} service: the member list and membership changes. */
public final class ClusterService extends ClusterGrpc.ClusterImplBase {

    private final ClusterApi api;

    public ClusterService(ClusterApi api) {
        this.api = api;
    }

    @Override
    public void memberList(MemberListRequest request, StreamObserver<MemberListResponse> observer) {
        GrpcErrors.call(api::memberList, observer);
    }

    @Override
    public void memberAdd(MemberAddRequest request, StreamObserver<MemberAddResponse> observer) {
        GrpcErrors.reply(api.memberAdd(request), observer);
    }

    @Override
    public void memberRemove(MemberRemoveRequest request, StreamObserver<MemberRemoveResponse> observer) {
        GrpcErrors.reply(api.memberRemove(request.getID()), observer);
    }

    @Override
    public void memberUpdate(MemberUpdateRequest request, StreamObserver<MemberUpdateResponse> observer) {
        GrpcErrors.reply(api.memberUpdate(request), observer);
    }

    @Override
    public void memberPromote(MemberPromoteRequest request, StreamObserver<MemberPromoteResponse> observer) {
        GrpcErrors.reply(api.memberPromote(request.getID()), observer);
    }
}
