package etcetera.server.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;

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
        String path = HttpReplies.path(request);
        FullHttpResponse response;
        if (!request.method().equals(HttpMethod.GET) && (path.equals("/health") || path.equals("/version"))) {
            response = HttpReplies.of(HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain; charset=utf-8", "Method Not Allowed\n");
            response.headers().set(HttpHeaderNames.ALLOW, "GET");
        } else if (path.equals("/health")) {
            boolean healthy = api.healthy();
            response = HttpReplies.of(healthy ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                    "text/plain; charset=utf-8", "{\"health\":\"" + healthy + "\"}");
        } else if (path.equals("/version")) {
            response = HttpReplies.of(HttpResponseStatus.OK, "application/json",
                    "{\"etcdserver\":\"" + api.serverVersion() + "\",\"etcdcluster\":\"" + api.clusterVersion() + "\"}");
        } else {
            response = HttpReplies.of(HttpResponseStatus.NOT_FOUND, "text/plain; charset=utf-8", "404 page not found\n");
        }
        // etcd's client port allows cross-origin requests.
        response.headers()
                .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*")
                .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, "POST, GET, OPTIONS, PUT, DELETE")
                .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, "accept, content-type, authorization");
        HttpReplies.send(ctx, request, response);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
