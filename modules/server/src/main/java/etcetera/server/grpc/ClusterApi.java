package etcetera.server.grpc;

import etcetera.wire.etcdserverpb.MemberAddRequest;
import etcetera.wire.etcdserverpb.MemberAddResponse;
import etcetera.wire.etcdserverpb.MemberListResponse;
import etcetera.wire.etcdserverpb.MemberPromoteResponse;
import etcetera.wire.etcdserverpb.MemberRemoveResponse;
import etcetera.wire.etcdserverpb.MemberUpdateRequest;
import etcetera.wire.etcdserverpb.MemberUpdateResponse;
import java.util.concurrent.CompletableFuture;

/** What the Cluster service needs from the member. Thread-safe; failures are {@code EtcdException}s. */
public interface ClusterApi {

    MemberListResponse memberList();

    CompletableFuture<MemberAddResponse> memberAdd(MemberAddRequest request);

    CompletableFuture<MemberRemoveResponse> memberRemove(long memberId);

    CompletableFuture<MemberUpdateResponse> memberUpdate(MemberUpdateRequest request);

    CompletableFuture<MemberPromoteResponse> memberPromote(long memberId);
}
