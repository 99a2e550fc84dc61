package etcetera.server.grpc;

import etcetera.wire.etcdserverpb.LeaseGrantRequest;
import etcetera.wire.etcdserverpb.LeaseGrantResponse;
import etcetera.wire.etcdserverpb.LeaseKeepAliveResponse;
import etcetera.wire.etcdserverpb.LeaseLeasesResponse;
import etcetera.wire.etcdserverpb.LeaseRevokeRequest;
import etcetera.wire.etcdserverpb.LeaseRevokeResponse;
import etcetera.wire.etcdserverpb.LeaseTimeToLiveRequest;
import etcetera.wire.etcdserverpb.LeaseTimeToLiveResponse;
import java.util.concurrent.CompletableFuture;

/**
 * The lease operations of a member, as the Lease service needs them. Futures fail with
 * {@link etcetera.server.errors.EtcdException} for client-visible errors.
 */
public interface LeaseApi {

    CompletableFuture<LeaseGrantResponse> grant(LeaseGrantRequest request);

    CompletableFuture<LeaseRevokeResponse> revoke(LeaseRevokeRequest request);

    /** One keep-alive: the answer holds the TTL granted, 0 if the lease does not exist. */
    CompletableFuture<LeaseKeepAliveResponse> keepAlive(long leaseId);

    /** TTL -1 if the lease does not exist, as etcd answers. */
    CompletableFuture<LeaseTimeToLiveResponse> timeToLive(LeaseTimeToLiveRequest request);

    CompletableFuture<LeaseLeasesResponse> leases();
}
