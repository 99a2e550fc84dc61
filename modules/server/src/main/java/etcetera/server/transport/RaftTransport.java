package etcetera.server.transport;

import etcetera.raft.Message;
import java.net.URI;
import java.util.List;
import java.util.Set;

/**
 * Carries Raft messages between the members of one cluster. The node driver hands it the
 * messages of each {@code Ready}; what arrives from peers goes to the {@link RaftInbound} given
 * at construction. Implementations: the netty transport on the peer URLs, and in-process ones
 * for tests.
 *
 * <p>Thread-safety: every method may be called from any thread and never blocks on the network.
 */
public interface RaftTransport extends AutoCloseable {

    /**
     * Queues {@code messages} for their addressees ({@link Message#to()}), in order per peer.
     * A message that cannot be queued (unknown peer, queue full, peer down) is dropped and the
     * peer reported through {@link RaftInbound#reportUnreachable(long)}: Raft retransmits.
     * An {@link Message.InstallSnapshot} is sent with the backend image that
     * {@link SnapshotSource} writes, and its outcome reported through
     * {@link RaftInbound#reportSnapshot(long, boolean)}.
     */
    void send(List<Message> messages);

    /** Starts talking to a member (at start-up for every other member, later on MemberAdd). */
    void addPeer(long memberId, List<URI> peerUrls);

    /** Changes where a member is reached (MemberUpdate); reconnects if needed. */
    void updatePeer(long memberId, List<URI> peerUrls);

    /**
     * Stops talking to a member and refuses its connections from now on (MemberRemove): a
     * removed member must never disturb the cluster again.
     */
    void removePeer(long memberId);

    /** The members with a working connection right now (for {@code --strict-reconfig-check}). */
    Set<Long> connectedPeers();

    @Override
    void close();
}
