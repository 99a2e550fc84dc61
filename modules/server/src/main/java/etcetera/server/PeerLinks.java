package etcetera.server;

import etcetera.server.membership.ClusterMembers;
import etcetera.server.node.RaftNode;
import etcetera.server.transport.RaftTransport;
import etcetera.wire.etcdserverpb.Member;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Keeps the peer transport's list of peers equal to the cluster's membership: every member but
 * this one is a peer; a removed member is refused from then on. Called on the apply thread
 * (membership changes) and at start-up.
 */
final class PeerLinks implements KvStateMachine.PeerDirectory {

    private static final Logger LOG = System.getLogger("rafthttp");

    private final long self;
    private RaftNode node;
    private RaftTransport transport;
    private ClusterMembers members;
    private final Set<Long> known = new HashSet<>();
    private Runnable selfRemoved = () -> { };

    PeerLinks(long self) {
        this.self = self;
    }

    void attach(RaftNode node, RaftTransport transport, ClusterMembers members) {
        this.node = node;
        this.transport = transport;
        this.members = members;
        for (long removed : members.removed()) {
            node.markRemoved(removed);
        }
    }

    /** Runs {@code action} (once) when a committed change removes this member. */
    void whenSelfRemoved(Runnable action) {
        this.selfRemoved = action;
    }

    RaftTransport transport() {
        return transport;
    }

    @Override
    public synchronized void added(Member member) {
        if (member.getID() == self || member.getPeerURLsCount() == 0) {
            return;
        }
        List<URI> urls = urls(member);
        if (known.add(member.getID())) {
            transport.addPeer(member.getID(), urls);
            LOG.log(Level.INFO, "added peer " + Long.toHexString(member.getID()) + " peer-urls=" + urls);
        } else {
            transport.updatePeer(member.getID(), urls);
        }
    }

    @Override
    public synchronized void updated(Member member) {
        if (member.getID() == self) {
            return;
        }
        if (known.contains(member.getID())) {
            transport.updatePeer(member.getID(), urls(member));
        } else {
            added(member);
        }
    }

    @Override
    public synchronized void removed(long memberId) {
        node.markRemoved(memberId);
        if (known.remove(memberId)) {
            transport.removePeer(memberId);
            LOG.log(Level.INFO, "removed peer " + Long.toHexString(memberId));
        }
        if (memberId == self) {
            selfRemoved.run();
        }
    }

    @Override
    public synchronized void reloaded() {
        Set<Long> now = new HashSet<>();
        for (Member m : members.members()) {
            now.add(m.getID());
            updated(m);
        }
        for (long id : Set.copyOf(known)) {
            if (!now.contains(id)) {
                removed(id);
            }
        }
        for (long removed : members.removed()) {
            node.markRemoved(removed);
        }
    }

    private static List<URI> urls(Member member) {
        return member.getPeerURLsList().stream().map(URI::create).toList();
    }

    void close() {
        if (transport != null) {
            transport.close();
        }
    }
}
