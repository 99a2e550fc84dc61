package etcetera.server.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnixDomainSocketAddress;

/**
 * Opens connections to peer URLs ({@code http://host:port} over TCP, {@code unix://host:port}
 * to the socket file {@link PeerListener} binds for such a URL), with the peer protocol's
 * framing and the options' dialer hook in the pipeline. Stateless; connecting never blocks
 * the calling thread.
 */
final class PeerDialer {

    /** Above this much unflushed output a channel turns unwritable and its sender holds back. */
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(256 * 1024, 1024 * 1024);

    private final TransportOptions options;

    PeerDialer(TransportOptions options) {
        this.options = options;
    }

    /** Connects to {@code url} on {@code loop}; {@code handler} follows the frame codec. */
    ChannelFuture dial(EventLoop loop, URI url, ChannelHandler handler) {
        Bootstrap bootstrap = new Bootstrap().group(loop)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) options.dialTimeout().toMillis())
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        options.dialerHook().configure(channel, url);
                        channel.pipeline().addLast(new PeerFrameCodec(options.maxFrameBytes()), handler);
                    }
                });
        return switch (url.getScheme()) {
            case "http", "https" -> bootstrap.channel(NioSocketChannel.class).option(ChannelOption.TCP_NODELAY, true)
                    .connect(InetSocketAddress.createUnresolved(url.getHost(), url.getPort()));
            case "unix", "unixs" -> bootstrap.channel(NioDomainSocketChannel.class)
                    .connect(UnixDomainSocketAddress.of(PeerListener.socketFile(url)));
            default -> throw new IllegalArgumentException("unsupported peer URL scheme: " + url);
        };
    }

    /** @throws IllegalArgumentException if {@code url} is not one {@link #dial} can connect to */
    static void check(URI url) {
        if (url.getScheme() == null || url.getHost() == null
                || !(url.getScheme().equals("http") || url.getScheme().equals("https")
                        || url.getScheme().equals("unix") || url.getScheme().equals("unixs"))) {
            throw new IllegalArgumentException("a peer URL must be http(s)://host:port or unix(s)://host:port: " + url);
        }
    }
}
