package etcetera.server.transport;

import etcetera.raft.Message;
import etcetera.wire.raft.Hello;
import etcetera.wire.raft.PeerFrame;
import etcetera.wire.raft.Refusal;
import etcetera.wire.raft.StreamKind;
import etcetera.wire.raft.Welcome;
import java.nio.charset.StandardCharsets;

/**
 * The constants and frame constructors of the peer protocol ({@code etcetera/raft.proto}).
 * A dialer opens with {@link #PREFACE}: it starts with a zero byte, which no HTTP request
 * does, so the listener tells a Raft connection from an HTTP one by its first byte.
 */
final class PeerProtocol {

    /** What a dialer writes first on a peer connection. */
    static final byte[] PREFACE = "\0ETCETERA-RAFT\r\n".getBytes(StandardCharsets.US_ASCII);

    /** Bumped on an incompatible change; a listener refuses a version it does not speak. */
    static final int VERSION = 1;

    /** The size of the backend image pieces a snapshot is sent in. */
    static final int SNAPSHOT_CHUNK_BYTES = 64 * 1024;

    private static final PeerFrame WELCOME = PeerFrame.newBuilder().setWelcome(Welcome.getDefaultInstance()).build();

    private PeerProtocol() {
    }

    static PeerFrame hello(long clusterId, long sender, long addressee, StreamKind kind) {
        return PeerFrame.newBuilder().setHello(Hello.newBuilder().setProtocolVersion(VERSION)
                .setClusterId(clusterId).setSender(sender).setAddressee(addressee).setKind(kind)).build();
    }

    static PeerFrame welcome() {
        return WELCOME;
    }

    static PeerFrame refusal(String reason) {
        return PeerFrame.newBuilder().setRefusal(Refusal.newBuilder().setReason(reason)).build();
    }

    static PeerFrame message(Message message) {
        return PeerFrame.newBuilder().setMessage(RaftMessageCodec.encode(message)).build();
    }

    static String hex(long id) {
        return Long.toHexString(id);
    }
}
