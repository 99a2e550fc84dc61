package etcetera.server.grpc;

import etcetera.wire.etcdserverpb.ClusterGrpc;
import etcetera.wire.etcdserverpb.MemberListRequest;
import etcetera.wire.etcdserverpb.MemberListResponse;
import io.grpc.stub.StreamObserver;
import java.util.function.Supplier;

/**
 * etcd's {@code etcdserverpb.Cluster} service. Membership changes come with the cluster
 * issue; until then only MemberList is served (the others answer UNIMPLEMENTED).
 */
public final class ClusterService extends ClusterGrpc.ClusterImplBase {

    private final Supplier<MemberListResponse> members;

    public ClusterService(Supplier<MemberListResponse> members) {
        this.members = members;
    }

    @Override
    public void memberList(MemberListRequest request, StreamObserver<MemberListResponse> observer) {
        GrpcErrors.call(members, observer);
    }
}
