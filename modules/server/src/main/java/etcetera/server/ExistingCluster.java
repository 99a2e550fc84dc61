package etcetera.server;

import com.google.protobuf.InvalidProtocolBufferException;
import etcetera.api.bootstrap.InitialCluster;
import etcetera.api.bootstrap.Member;
import etcetera.server.transport.PeerHttpHandler;
import etcetera.wire.etcdserverpb.MemberListResponse;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a member started with {@code --initial-cluster-state existing} learns from the running
 * cluster before it starts: the cluster ID and the member ID that {@code member add} gave it
 * (found by its peer URLs), from the other members' peer endpoints.
 *
 * @param memberId this member's ID as the cluster knows it
 * @param clusterId the running cluster's ID
 * @param members the members as the cluster lists them (this one included)
 */
record ExistingCluster(long memberId, long clusterId, List<etcetera.wire.etcdserverpb.Member> members) {

    private static final Logger LOG = System.getLogger("etcdserver");

    /**
     * Asks the other members named in {@code --initial-cluster} for the member list.
     *
     * @throws StartupException if none answers, or this member was not added to the cluster
     */
    static ExistingCluster join(InitialCluster cluster, Member me) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        List<String> failures = new ArrayList<>();
        for (Member peer : cluster.members()) {
            if (peer.id() == me.id()) {
                continue;
            }
            for (URI url : peer.peerUrls()) {
                if (!"http".equals(url.getScheme())) {
                    continue;
                }
                try {
                    HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(url.resolve(PeerHttpHandler.MEMBERS_PROTO_PATH))
                            .timeout(Duration.ofSeconds(3)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
                    if (response.statusCode() != 200) {
                        failures.add(url + ": HTTP " + response.statusCode());
                        continue;
                    }
                    return fromList(MemberListResponse.parseFrom(response.body()), me);
                } catch (IOException e) {
                    failures.add(url + ": " + e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new StartupException("interrupted while asking the cluster for its members");
                }
            }
        }
        throw new StartupException("could not get the cluster's member list from any other member of --initial-cluster "
                + "(needed with --initial-cluster-state existing): " + String.join("; ", failures)
                + ". Start this member once the others are up, or use --initial-cluster-state new for a new cluster");
    }

    private static ExistingCluster fromList(MemberListResponse list, Member me) throws InvalidProtocolBufferException {
        Set<String> mine = me.peerUrls().stream().map(URI::toString).collect(Collectors.toSet());
        for (etcetera.wire.etcdserverpb.Member m : list.getMembersList()) {
            if (Set.copyOf(m.getPeerURLsList()).equals(mine)) {
                if (!m.getName().isEmpty() && !m.getName().equals(me.name())) {
                    throw new StartupException("the cluster knows the peer URLs " + mine + " as member " + m.getName()
                            + ", not " + me.name() + "; start it with --name " + m.getName());
                }
                LOG.log(Level.INFO, "joining the existing cluster cluster-id=" + Long.toHexString(list.getHeader().getClusterId())
                        + " member-id=" + Long.toHexString(m.getID()) + " members=" + list.getMembersCount());
                return new ExistingCluster(m.getID(), list.getHeader().getClusterId(), list.getMembersList());
            }
        }
        throw new StartupException("the cluster has no member with this member's peer URLs " + mine
                + "; add it first: etcdctl member add " + me.name() + " --peer-urls=" + String.join(",", mine));
    }
}
