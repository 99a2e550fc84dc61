package etcetera.server.node;

import etcetera.raft.Message;
import etcetera.server.transport.RaftInbound;
import etcetera.server.transport.RaftTransport;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * An in-process network between {@link RaftNode}s for tests: delivers each message straight to
 * the addressee's inbox, unless the sender or the addressee is cut off; snapshots travel as
 * files written by the sender's image writer. Thread-safe.
 */
final class LocalNetwork {

    private final Map<Long, RaftInbound> members = new ConcurrentHashMap<>();
    private final Map<Long, BiConsumer<Long, OutputStream>> images = new ConcurrentHashMap<>();
    private final Set<Long> isolated = ConcurrentHashMap.newKeySet();
    private final Path dir;

    LocalNetwork(Path dir) {
        this.dir = dir;
    }

    /** Connects a member; {@code image} writes its state for a follower that needs a snapshot. */
    void join(long id, RaftInbound inbound, BiConsumer<Long, OutputStream> image) {
        members.put(id, inbound);
        images.put(id, image);
    }

    void leave(long id) {
        members.remove(id);
    }

    void isolate(long id) {
        isolated.add(id);
    }

    void heal(long id) {
        isolated.remove(id);
    }

    RaftTransport transportFor(long self, RaftInbound inbound) {
        return new RaftTransport() {
            @Override
            public void send(List<Message> messages) {
                for (Message m : messages) {
                    RaftInbound to = members.get(m.to());
                    if (to == null || isolated.contains(self) || isolated.contains(m.to())) {
                        inbound.reportUnreachable(m.to());
                        continue;
                    }
                    if (m instanceof Message.InstallSnapshot snapshot) {
                        try {
                            Path file = Files.createTempFile(dir, "image-", ".part");
                            try (OutputStream out = Files.newOutputStream(file)) {
                                images.get(self).accept(snapshot.snapshot().index(), out);
                            }
                            to.receiveSnapshot(snapshot, file);
                            inbound.reportSnapshot(m.to(), true);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    } else {
                        to.receive(m);
                    }
                }
            }

            @Override
            public void addPeer(long memberId, List<URI> peerUrls) {
            }

            @Override
            public void updatePeer(long memberId, List<URI> peerUrls) {
            }

            @Override
            public void removePeer(long memberId) {
            }

            @Override
            public Set<Long> connectedPeers() {
                return Set.of();
            }

            @Override
            public void close() {
                members.remove(self);
            }
        };
    }
}
