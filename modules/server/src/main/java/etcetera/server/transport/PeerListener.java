package etcetera.server.transport;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Listens on the peer URLs: {@code http://host:port} on TCP, {@code unix://host:port} on a
 * Unix domain socket whose file is named {@code host:port} in the working directory, as etcd
 * names it (a stale socket file is replaced). One event loop thread serves all of them.
 * Each connection is HTTP (etcd's peer endpoints) or, if it opens with the Raft preface, a
 * stream of the peer transport ({@link #serveRaft}).
 */
public final class PeerListener implements AutoCloseable {

    private static final Logger LOG = System.getLogger("embed");

    private final EventLoopGroup loop;
    private final List<Channel> channels = new ArrayList<>();
    private final List<Path> socketFiles = new ArrayList<>();
    private volatile NettyRaftTransport raft;

    private PeerListener(EventLoopGroup loop) {
        this.loop = loop;
    }

    /**
     * Binds every URL.
     *
     * @throws IllegalArgumentException for a scheme this build cannot serve (https, unixs)
     * @throws UncheckedIOException if an address cannot be bound
     */
    public static PeerListener start(List<URI> urls, PeerApi api) {
        PeerListener listener = new PeerListener(new MultiThreadIoEventLoopGroup(1,
                Thread.ofPlatform().name("etcetera-peer-", 0).daemon().factory(), NioIoHandler.newFactory()));
        try {
            for (URI url : urls) {
                listener.bind(url, api);
            }
            return listener;
        } catch (RuntimeException e) {
            listener.close();
            throw e;
        }
    }

    private void bind(URI url, PeerApi api) {
        SocketAddress address;
        ServerBootstrap bootstrap = new ServerBootstrap().group(loop);
        switch (url.getScheme()) {
            case "http" -> {
                address = new InetSocketAddress(url.getHost(), url.getPort());
                bootstrap.channel(NioServerSocketChannel.class);
            }
            case "unix" -> {
                Path file = socketFile(url);
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot replace the stale peer socket " + file.toAbsolutePath(), e);
                }
                socketFiles.add(file);
                address = UnixDomainSocketAddress.of(file);
                bootstrap.channel(NioServerDomainSocketChannel.class);
            }
            default -> throw new IllegalArgumentException("listen peer URL " + url
                    + ": only http:// and unix:// are served in this build (TLS comes with the security issue)");
        }
        bootstrap.childHandler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel channel) {
                channel.pipeline().addLast(new PeerProtocolSniffer(PeerListener.this::raftStream,
                        pipeline -> pipeline.addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024),
                                new PeerHttpHandler(api))));
            }
        });
        Channel channel;
        try {
            channel = bootstrap.bind(address).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            throw new UncheckedIOException(new IOException("cannot listen for peers on " + url + ": " + e.getMessage()
                    + "; is another etcd or etcetera already using it?", e));
        }
        channels.add(channel);
        LOG.log(Level.INFO, "listening for peers on " + describe(channel.localAddress()));
    }

    /** The socket file of a {@code unix://host:port} URL: {@code host:port} in the working directory, as etcd names it. */
    static Path socketFile(URI url) {
        return Path.of(url.getHost() + (url.getPort() >= 0 ? ":" + url.getPort() : ""));
    }

    /**
     * From now on, connections that open with the Raft preface are handed to {@code transport}
     * (until then they are closed: the member cannot take Raft messages yet).
     */
    public void serveRaft(NettyRaftTransport transport) {
        raft = transport;
    }

    private void raftStream(ChannelPipeline pipeline) {
        NettyRaftTransport transport = raft;
        if (transport == null) {
            // starting up: tell the dialer why, so that it backs off instead of guessing
            // answer the dialer's hello (not the preface), so that its write does not race our close
            pipeline.addLast(new PeerFrameCodec(1024), new io.netty.channel.SimpleChannelInboundHandler<etcetera.wire.raft.PeerFrame>() {
                @Override
                public void handlerAdded(io.netty.channel.ChannelHandlerContext ctx) {
                    ctx.executor().schedule(() -> ctx.close(), 5, TimeUnit.SECONDS);
                }

                @Override
                protected void channelRead0(io.netty.channel.ChannelHandlerContext ctx, etcetera.wire.raft.PeerFrame frame) {
                    ctx.writeAndFlush(PeerProtocol.refusal("the member does not take Raft messages yet"))
                            .addListener(io.netty.channel.ChannelFutureListener.CLOSE);
                }

                @Override
                public void exceptionCaught(io.netty.channel.ChannelHandlerContext ctx, Throwable cause) {
                    ctx.close();
                }
            });
        } else {
            transport.accept(pipeline);
        }
    }

    private static String describe(SocketAddress address) {
        return switch (address) {
            case InetSocketAddress inet -> inet.getHostString() + ":" + inet.getPort();
            case UnixDomainSocketAddress unix -> unix.getPath().toString();
            default -> String.valueOf(address);
        };
    }

    /** The bound addresses (useful with port 0). */
    public List<SocketAddress> addresses() {
        return channels.stream().map(Channel::localAddress).toList();
    }

    @Override
    public void close() {
        for (Channel channel : channels) {
            channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        loop.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        for (Path file : socketFiles) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                LOG.log(Level.WARNING, "could not remove the peer socket file path=" + file + " error=" + e.getMessage());
            }
        }
    }
}
