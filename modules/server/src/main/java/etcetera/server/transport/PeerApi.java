package etcetera.server.transport;

/** What the peer endpoints need from the member. Thread-safe; answers from memory. */
public interface PeerApi {

    /** The cluster ID, sent as etcd's {@code X-Etcd-Cluster-Id} header. */
    long clusterId();

    /** The members as etcd's peer {@code /members} returns them: a JSON array. */
    String membersJson();

    /**
     * The member list as an encoded {@code etcdserverpb.MemberListResponse}, served on our own
     * {@code /etcetera/members} for a member joining with {@code --initial-cluster-state existing}.
     */
    byte[] membersProto();

    /**
     * Promotes a learner on behalf of another member that is not the leader (etcd forwards
     * MemberPromote to the leader, which alone knows whether the learner caught up). Completes
     * with an encoded {@code MemberPromoteResponse}, or fails with the etcd error to relay.
     */
    java.util.concurrent.CompletableFuture<byte[]> promoteForPeer(long learnerId);

    /** {@code /version}'s JSON body. */
    String versionJson();
}
