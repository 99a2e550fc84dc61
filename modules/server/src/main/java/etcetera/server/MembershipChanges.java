package etcetera.server;

import etcetera.raft.ConfChange;
import etcetera.raft.Status;
import etcetera.server.errors.EtcdError;
import etcetera.server.errors.EtcdException;
import etcetera.server.grpc.ClusterApi;
import etcetera.server.membership.ClusterMembers;
import etcetera.server.node.RaftNode;
import etcetera.server.node.RequestIds;
import etcetera.wire.etcdserverpb.Member;
import etcetera.wire.etcdserverpb.MemberAddRequest;
import etcetera.wire.etcdserverpb.MemberAddResponse;
import etcetera.wire.etcdserverpb.MemberListResponse;
import etcetera.wire.etcdserverpb.MemberPromoteResponse;
import etcetera.wire.etcdserverpb.MemberRemoveResponse;
import etcetera.wire.etcdserverpb.MemberUpdateRequest;
import etcetera.wire.etcdserverpb.MemberUpdateResponse;
import etcetera.wire.etcdserverpb.ResponseHeader;
import etcetera.server.transport.PeerHttpHandler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The Cluster service's membership changes, checked as etcd checks them (URL validity, peer URLs
 * in use, one learner at most, {@code --strict-reconfig-check}: never a change that would leave
 * the started and connected members without a quorum) and then proposed as Raft membership
 * changes; each answers once its change is applied here. Thread-safe.
 */
final class MembershipChanges implements ClusterApi {

    /** etcd allows one learner at a time. */
    private static final int MAX_LEARNERS = 1;
    /** A learner may be promoted once it holds this share of the leader's log (etcd's rule). */
    private static final double LEARNER_READY_SHARE = 0.9;

    private final long self;
    private final long clusterId;
    private final RaftNode node;
    private final ClusterMembers members;
    private final Supplier<Set<Long>> connectedPeers;
    private final boolean strictReconfigCheck;
    private final RequestIds changeIds;
    private final Supplier<ResponseHeader> header;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    MembershipChanges(long self, long clusterId, RaftNode node, ClusterMembers members, Supplier<Set<Long>> connectedPeers,
            boolean strictReconfigCheck, Supplier<ResponseHeader> header) {
        this.self = self;
        this.clusterId = clusterId;
        this.node = node;
        this.members = members;
        this.connectedPeers = connectedPeers;
        this.strictReconfigCheck = strictReconfigCheck;
        this.changeIds = new RequestIds(self ^ 0x5a5a_5a5a_5a5a_5a5aL, System.currentTimeMillis());
        this.header = header;
    }

    @Override
    public MemberListResponse memberList() {
        return MemberListResponse.newBuilder().setHeader(header.get()).addAllMembers(members.members()).build();
    }

    @Override
    public CompletableFuture<MemberAddResponse> memberAdd(MemberAddRequest request) {
        try {
            List<String> urls = validUrls(request.getPeerURLsList());
            if (members.peerUrlsInUse(urls, 0)) {
                throw EtcdError.PEER_URL_EXIST.exception();
            }
            if (request.getIsLearner()) {
                long learners = members.members().stream().filter(Member::getIsLearner).count();
                if (learners >= MAX_LEARNERS) {
                    throw EtcdError.TOO_MANY_LEARNERS.exception();
                }
            } else {
                checkQuorumAfterAdding();
            }
            Member member = Member.newBuilder().setID(newMemberId(urls)).addAllPeerURLs(urls).setIsLearner(request.getIsLearner()).build();
            ConfChange change = new ConfChange(changeIds.next(),
                    request.getIsLearner() ? ConfChange.Type.ADD_LEARNER_NODE : ConfChange.Type.ADD_NODE,
                    member.getID(), member.toByteArray());
            return node.proposeConfChange(change).thenApply(applied -> MemberAddResponse.newBuilder().setHeader(header.get())
                    .setMember(member).addAllMembers(members.members()).build());
        } catch (EtcdException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<MemberRemoveResponse> memberRemove(long memberId) {
        try {
            Member member = existing(memberId);
            if (!member.getIsLearner()) {
                checkQuorumAfterRemoving(memberId);
            }
            ConfChange change = new ConfChange(changeIds.next(), ConfChange.Type.REMOVE_NODE, memberId, new byte[0]);
            return node.proposeConfChange(change).thenApply(applied -> MemberRemoveResponse.newBuilder().setHeader(header.get())
                    .addAllMembers(members.members()).build());
        } catch (EtcdException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<MemberUpdateResponse> memberUpdate(MemberUpdateRequest request) {
        try {
            Member member = existing(request.getID());
            List<String> urls = validUrls(request.getPeerURLsList());
            if (members.peerUrlsInUse(urls, member.getID())) {
                throw EtcdError.PEER_URL_EXIST.exception();
            }
            Member updated = member.toBuilder().clearPeerURLs().addAllPeerURLs(urls).build();
            ConfChange change = new ConfChange(changeIds.next(), ConfChange.Type.UPDATE_NODE, member.getID(), updated.toByteArray());
            return node.proposeConfChange(change).thenApply(applied -> MemberUpdateResponse.newBuilder().setHeader(header.get())
                    .addAllMembers(members.members()).build());
        } catch (EtcdException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<MemberPromoteResponse> memberPromote(long memberId) {
        try {
            Member member = existing(memberId);
            if (!member.getIsLearner()) {
                throw EtcdError.MEMBER_NOT_LEARNER.exception();
            }
            if (node.leaderId() != self) {
                // only the leader knows how far the learner got: forward to it, as etcd does
                return forwardPromotion(memberId);
            }
            Status status = node.lastStatus().orElseThrow(EtcdError.NOT_LEADER::exception);
            Status.ProgressView learner = status.progress().get(memberId);
            Status.ProgressView leader = status.progress().get(self);
            if (learner == null || leader == null || learner.match() < leader.match() * LEARNER_READY_SHARE) {
                throw EtcdError.LEARNER_NOT_READY.exception();
            }
            ConfChange change = new ConfChange(changeIds.next(), ConfChange.Type.ADD_NODE, memberId, member.toByteArray());
            return node.proposeConfChange(change).thenApply(applied -> MemberPromoteResponse.newBuilder().setHeader(header.get())
                    .addAllMembers(members.members()).build());
        } catch (EtcdException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Asks the leader, over its peer URL, to promote the learner; relays its answer or its etcd error. */
    private CompletableFuture<MemberPromoteResponse> forwardPromotion(long memberId) {
        long leader = node.leaderId();
        if (leader == 0) {
            throw EtcdError.NO_LEADER.exception();
        }
        List<String> urls = members.member(leader).<List<String>>map(Member::getPeerURLsList).orElse(List.of());
        String url = urls.stream().filter(u -> u.startsWith("http://")).findFirst().orElseThrow(EtcdError.NO_LEADER::exception);
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + PeerHttpHandler.PROMOTE_PATH + Long.toHexString(memberId)))
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.noBody()).build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).thenApply(response -> {
            if (response.statusCode() != 200) {
                String text = new String(response.body(), StandardCharsets.UTF_8);
                throw java.util.Arrays.stream(EtcdError.values()).filter(e -> e.message().equals(text)).findFirst()
                        .orElse(EtcdError.LEARNER_NOT_READY).exception();
            }
            try {
                return MemberPromoteResponse.newBuilder(MemberPromoteResponse.parseFrom(response.body())).setHeader(header.get()).build();
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                throw EtcdError.TIMEOUT.exception();
            }
        });
    }

    /** The promotion a follower forwarded here (this member leads), encoded for the peer endpoint. */
    CompletableFuture<byte[]> promoteForPeer(long memberId) {
        if (node.leaderId() != self) {
            return CompletableFuture.failedFuture(EtcdError.NOT_LEADER.exception());
        }
        return memberPromote(memberId).thenApply(MemberPromoteResponse::toByteArray);
    }

    private Member existing(long memberId) {
        if (members.isRemoved(memberId)) {
            throw EtcdError.MEMBER_NOT_FOUND.exception();
        }
        return members.member(memberId).orElseThrow(EtcdError.MEMBER_NOT_FOUND::exception);
    }

    /**
     * etcd's strict check for adding a voter: the started voters must be a quorum of the grown
     * cluster (a one-member cluster may always grow to two), and every voter must be connected.
     */
    private void checkQuorumAfterAdding() {
        if (!strictReconfigCheck) {
            return;
        }
        List<Member> voters = members.members().stream().filter(m -> !m.getIsLearner()).toList();
        long started = voters.stream().filter(m -> !m.getName().isEmpty()).count();
        int after = voters.size() + 1;
        if (!(started == 1 && after == 2) && started < after / 2 + 1) {
            throw EtcdError.MEMBER_NOT_ENOUGH_STARTED.exception();
        }
        Set<Long> connected = connectedPeers.get();
        for (Member voter : voters) {
            if (voter.getID() != self && !connected.contains(voter.getID())) {
                throw EtcdError.UNHEALTHY.exception();
            }
        }
    }

    /** etcd's strict check for removing a voter: the remaining started, connected voters keep a quorum. */
    private void checkQuorumAfterRemoving(long memberId) {
        if (!strictReconfigCheck) {
            return;
        }
        List<Member> remaining = members.members().stream().filter(m -> !m.getIsLearner() && m.getID() != memberId).toList();
        Set<Long> connected = connectedPeers.get();
        long active = remaining.stream().filter(m -> m.getID() == self || connected.contains(m.getID())).count();
        if (active < remaining.size() / 2 + 1) {
            throw EtcdError.MEMBER_NOT_ENOUGH_STARTED.exception();
        }
    }

    private static List<String> validUrls(List<String> urls) {
        if (urls.isEmpty()) {
            throw EtcdError.MEMBER_BAD_URLS.exception();
        }
        for (String url : urls) {
            try {
                URI uri = new URI(url);
                if (!Set.of("http", "https", "unix", "unixs").contains(uri.getScheme()) || uri.getHost() == null
                        || uri.getPort() < 0 || (uri.getPath() != null && !uri.getPath().isEmpty())) {
                    throw EtcdError.MEMBER_BAD_URLS.exception();
                }
            } catch (URISyntaxException e) {
                throw EtcdError.MEMBER_BAD_URLS.exception();
            }
        }
        return List.copyOf(new TreeSet<>(urls));
    }

    /** A new member's ID, from its peer URLs, the cluster and the time, as etcd derives one. */
    private long newMemberId(List<String> urls) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            sha1.update(String.join("", urls).getBytes(StandardCharsets.UTF_8));
            sha1.update(Long.toHexString(clusterId).getBytes(StandardCharsets.UTF_8));
            sha1.update(Long.toString(System.currentTimeMillis() / 1000).getBytes(StandardCharsets.UTF_8));
            long id = java.nio.ByteBuffer.wrap(sha1.digest()).getLong();
            return id == 0 || members.member(id).isPresent() || members.isRemoved(id) ? newMemberId(List.of(urls + "'")) : id;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is part of every JDK", e);
        }
    }
}
