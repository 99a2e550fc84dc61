package etcetera.server.transport;

import etcetera.server.http.HttpReplies;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * etcd's peer HTTP endpoints: {@code GET /members} (with {@code X-Etcd-Cluster-Id}) and
 * {@code GET /version}; 404 otherwise. Runs on the peer event loop; answers from memory.
 */
public final class PeerHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    /** Our own peer endpoint: the member list as protobuf, for members joining an existing cluster. */
    public static final String MEMBERS_PROTO_PATH = "/etcetera/members";

    /** Our own peer endpoint: a learner's promotion forwarded to the leader ({@code POST /etcetera/promote/<id hex>}). */
    public static final String PROMOTE_PATH = "/etcetera/promote/";

    private final PeerApi api;

    PeerHttpHandler(PeerApi api) {
        this.api = api;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        String path = HttpReplies.path(request);
        if (path.startsWith(PROMOTE_PATH) && request.method().equals(HttpMethod.POST)) {
            promote(ctx, request, path.substring(PROMOTE_PATH.length()));
            return;
        }
        FullHttpResponse response;
        boolean known = path.equals("/members") || path.equals("/version") || path.equals(MEMBERS_PROTO_PATH);
        if (known && !request.method().equals(HttpMethod.GET)) {
            response = HttpReplies.of(HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain; charset=utf-8", "Method Not Allowed\n");
            response.headers().set(HttpHeaderNames.ALLOW, "GET");
        } else if (path.equals("/members")) {
            response = HttpReplies.of(HttpResponseStatus.OK, "application/json", api.membersJson());
            response.headers().set("X-Etcd-Cluster-Id", Long.toHexString(api.clusterId()));
        } else if (path.equals(MEMBERS_PROTO_PATH)) {
            response = new io.netty.handler.codec.http.DefaultFullHttpResponse(io.netty.handler.codec.http.HttpVersion.HTTP_1_1,
                    HttpResponseStatus.OK, io.netty.buffer.Unpooled.wrappedBuffer(api.membersProto()));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/x-protobuf")
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
                    .set("X-Etcd-Cluster-Id", Long.toHexString(api.clusterId()));
        } else if (path.equals("/version")) {
            response = HttpReplies.of(HttpResponseStatus.OK, "application/json", api.versionJson());
        } else {
            response = HttpReplies.of(HttpResponseStatus.NOT_FOUND, "text/plain; charset=utf-8", "404 page not found\n");
        }
        HttpReplies.send(ctx, request, response);
    }

    /** Answers a forwarded promotion when the leader has carried it out; never blocks the event loop. */
    private void promote(ChannelHandlerContext ctx, FullHttpRequest request, String idHex) {
        long id;
        try {
            id = Long.parseUnsignedLong(idHex, 16);
        } catch (NumberFormatException e) {
            HttpReplies.send(ctx, request, HttpReplies.of(HttpResponseStatus.BAD_REQUEST, "text/plain; charset=utf-8", "bad member ID\n"));
            return;
        }
        request.retain();
        api.promoteForPeer(id).whenComplete((body, failure) -> {
            FullHttpResponse response;
            if (failure == null) {
                response = new io.netty.handler.codec.http.DefaultFullHttpResponse(io.netty.handler.codec.http.HttpVersion.HTTP_1_1,
                        HttpResponseStatus.OK, io.netty.buffer.Unpooled.wrappedBuffer(body));
                response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/x-protobuf")
                        .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
            } else {
                Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                response = HttpReplies.of(HttpResponseStatus.PRECONDITION_FAILED, "text/plain; charset=utf-8", String.valueOf(cause.getMessage()));
            }
            ctx.executor().execute(() -> {
                HttpReplies.send(ctx, request, response);
                request.release();
            });
        });
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
