package etcetera.server.transport;

import etcetera.raft.Message;
import etcetera.wire.raft.Hello;
import etcetera.wire.raft.PeerFrame;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The listener's end of a peer connection: checks the dialer's hello (protocol version,
 * cluster ID, addressee, removed sender) and refuses with a reason, or welcomes it; then
 * hands a message stream's messages to {@link RaftInbound}, or a snapshot connection's
 * image to a {@link SnapshotReception}. Runs on the listener's event loop and owns the
 * connection's state.
 */
final class InboundStreamHandler extends SimpleChannelInboundHandler<PeerFrame> {

    private static final Logger LOG = System.getLogger("rafthttp");

    private enum State { HELLO, MESSAGES, SNAPSHOT_HEADER, SNAPSHOT_BODY, SNAPSHOT_DONE }

    private final NettyRaftTransport transport;
    private State state = State.HELLO;
    private long sender;
    private SnapshotReception snapshot;

    InboundStreamHandler(NettyRaftTransport transport) {
        this.transport = transport;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        // a dialer that never says hello must not hold a connection open
        ctx.executor().schedule(() -> {
            if (state == State.HELLO) {
                LOG.log(Level.WARNING, "closing a peer connection that sent no hello remote=" + ctx.channel().remoteAddress()
                        + " within=" + transport.options().dialTimeout());
                ctx.close();
            }
        }, transport.options().dialTimeout().toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, PeerFrame frame) {
        switch (state) {
            case HELLO -> hello(ctx, expect(frame, PeerFrame.KindCase.HELLO).getHello());
            case MESSAGES -> {
                Message message = RaftMessageCodec.decode(expect(frame, PeerFrame.KindCase.MESSAGE).getMessage());
                checkAddress(message);
                if (message instanceof Message.InstallSnapshot) {
                    throw new PeerProtocolException("an InstallSnapshot on a message stream (it comes with its image)");
                }
                transport.inbound().receive(message);
            }
            case SNAPSHOT_HEADER -> {
                Message message = RaftMessageCodec.decode(expect(frame, PeerFrame.KindCase.MESSAGE).getMessage());
                checkAddress(message);
                if (!(message instanceof Message.InstallSnapshot install)) {
                    throw new PeerProtocolException("a snapshot connection must start with an InstallSnapshot, not "
                            + message.getClass().getSimpleName());
                }
                snapshot = new SnapshotReception(install, transport, ctx.channel());
                state = State.SNAPSHOT_BODY;
            }
            case SNAPSHOT_BODY -> {
                switch (frame.getKindCase()) {
                    case SNAPSHOT_CHUNK -> snapshot.chunk(frame.getSnapshotChunk().getData());
                    case SNAPSHOT_TRAILER -> {
                        snapshot.finish(frame.getSnapshotTrailer().getSize(), frame.getSnapshotTrailer().getCrc32C());
                        state = State.SNAPSHOT_DONE;
                    }
                    default -> throw new PeerProtocolException("unexpected " + frame.getKindCase() + " in a snapshot");
                }
            }
            case SNAPSHOT_DONE -> throw new PeerProtocolException("unexpected " + frame.getKindCase() + " after a snapshot");
        }
    }

    private static PeerFrame expect(PeerFrame frame, PeerFrame.KindCase kind) {
        if (frame.getKindCase() != kind) {
            throw new PeerProtocolException("expected " + kind + " but got " + frame.getKindCase());
        }
        return frame;
    }

    private void checkAddress(Message message) {
        if (message.from() != sender || message.to() != transport.options().localId()) {
            throw new PeerProtocolException("a message from " + PeerProtocol.hex(message.from()) + " to "
                    + PeerProtocol.hex(message.to()) + " on the stream from " + PeerProtocol.hex(sender));
        }
    }

    private void hello(ChannelHandlerContext ctx, Hello hello) {
        Optional<String> refusal = transport.refusal(hello);
        if (refusal.isPresent()) {
            ctx.writeAndFlush(PeerProtocol.refusal(refusal.get())).addListener(ChannelFutureListener.CLOSE);
            state = State.SNAPSHOT_DONE;
            return;
        }
        sender = hello.getSender();
        switch (hello.getKind()) {
            case STREAM_KIND_MESSAGES -> {
                state = State.MESSAGES;
                transport.registerInbound(sender, ctx.channel());
            }
            case STREAM_KIND_SNAPSHOT -> {
                state = State.SNAPSHOT_HEADER;
                // a stalled transfer must not hold a temp file and a connection forever
                long timeout = transport.options().snapshotTimeout().toNanos();
                ctx.pipeline().addBefore(ctx.name(), "snapshot-idle", new IdleStateHandler(timeout, 0, 0, TimeUnit.NANOSECONDS));
            }
            default -> throw new PeerProtocolException("unknown stream kind " + hello.getKindValue());
        }
        ctx.writeAndFlush(PeerProtocol.welcome());
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent) {
            LOG.log(Level.WARNING, "a snapshot transfer stalled; dropping it from=" + PeerProtocol.hex(sender)
                    + " timeout=" + transport.options().snapshotTimeout());
            ctx.close();
        } else {
            ctx.fireUserEventTriggered(event);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (snapshot != null) {
            snapshot.abortIfUnfinished();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // a peer that goes away mid-stream is routine; one that breaks the protocol is not
        Level level = cause instanceof java.io.IOException ? Level.DEBUG : Level.WARNING;
        LOG.log(level, "closing a peer connection from=" + PeerProtocol.hex(sender) + " remote="
                + ctx.channel().remoteAddress() + " error=\"" + cause.getMessage() + "\"");
        ctx.close();
    }
}
