package etcetera.server.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * etcd's {@code /health} and {@code /version} on the client port, with etcd's status codes,
 * bodies and headers; other paths get etcd's 404. Runs on the connection's event loop and
 * never blocks it ({@link HttpApi} answers from memory).
 */
final class HttpApiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private final HttpApi api;

    HttpApiHandler(HttpApi api) {
        this.api = api;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        String path = request.uri();
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        FullHttpResponse response;
        if (!request.method().equals(HttpMethod.GET) && (path.equals("/health") || path.equals("/version"))) {
            response = respond(HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain; charset=utf-8", "Method Not Allowed\n");
            response.headers().set(HttpHeaderNames.ALLOW, "GET");
        } else if (path.equals("/health")) {
            boolean healthy = api.healthy();
            response = respond(healthy ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                    "text/plain; charset=utf-8", "{\"health\":\"" + healthy + "\"}");
        } else if (path.equals("/version")) {
            response = respond(HttpResponseStatus.OK, "application/json",
                    "{\"etcdserver\":\"" + api.serverVersion() + "\",\"etcdcluster\":\"" + api.clusterVersion() + "\"}");
        } else {
            response = respond(HttpResponseStatus.NOT_FOUND, "text/plain; charset=utf-8", "404 page not found\n");
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        HttpUtil.setKeepAlive(response, keepAlive);
        var written = ctx.writeAndFlush(response);
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static FullHttpResponse respond(HttpResponseStatus status, String contentType, String body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*")
                .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, "POST, GET, OPTIONS, PUT, DELETE")
                .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, "accept, content-type, authorization")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        return response;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
