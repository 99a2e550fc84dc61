package etcetera.server.grpc;

import com.google.protobuf.UnsafeByteOperations;
import etcetera.server.mvcc.Event;
import etcetera.server.mvcc.KeyValue;
import etcetera.server.watch.WatchUpdate;
import etcetera.wire.etcdserverpb.ResponseHeader;
import etcetera.wire.etcdserverpb.WatchResponse;

/**
 * Builds the wire form of a watcher's events. The same event usually goes to many watchers of
 * a stream in a row (many watchers on one key), so the last encoded event is kept and reused.
 * Owned by the stream's sender (one thread at a time).
 */
final class WatchEncoder {

    private Event lastEvent;
    private boolean lastWithPrevious;
    private etcetera.wire.mvccpb.Event lastEncoded;

    /** The response carrying {@code update}'s events, with their previous versions if the watcher asked. */
    WatchResponse events(ResponseHeader header, WatchUpdate.Events update) {
        boolean withPrevious = update.watcher().spec().prevKv();
        WatchResponse.Builder response = WatchResponse.newBuilder().setHeader(header).setWatchId(update.watcher().id());
        for (Event event : update.events()) {
            response.addEvents(encode(event, withPrevious));
        }
        return response.build();
    }

    private etcetera.wire.mvccpb.Event encode(Event event, boolean withPrevious) {
        if (event == lastEvent && withPrevious == lastWithPrevious) {
            return lastEncoded;
        }
        etcetera.wire.mvccpb.Event.Builder wire = etcetera.wire.mvccpb.Event.newBuilder()
                .setType(event.type() == Event.Type.PUT ? etcetera.wire.mvccpb.Event.EventType.PUT : etcetera.wire.mvccpb.Event.EventType.DELETE)
                .setKv(keyValue(event.kv()));
        if (withPrevious) {
            event.prevKv().ifPresent(prev -> wire.setPrevKv(keyValue(prev)));
        }
        lastEvent = event;
        lastWithPrevious = withPrevious;
        lastEncoded = wire.build();
        return lastEncoded;
    }

    /** The store never changes a version's arrays, so they are wrapped rather than copied. */
    private static etcetera.wire.mvccpb.KeyValue keyValue(KeyValue kv) {
        return etcetera.wire.mvccpb.KeyValue.newBuilder()
                .setKey(UnsafeByteOperations.unsafeWrap(kv.key()))
                .setCreateRevision(kv.createRevision())
                .setModRevision(kv.modRevision())
                .setVersion(kv.version())
                .setValue(UnsafeByteOperations.unsafeWrap(kv.value()))
                .setLease(kv.lease())
                .build();
    }
}
