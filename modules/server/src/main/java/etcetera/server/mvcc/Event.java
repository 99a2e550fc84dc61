package etcetera.server.mvcc;

import java.util.Optional;

/**
 * One change made by a write transaction, as the watch hub and the apply layer see it.
 *
 * @param type what happened to the key
 * @param kv for PUT the new version; for DELETE a tombstone with the key and the deleting revision
 * @param prevKv the version of the key just before this change: always there for the events of
 *     {@link WriteTxn#end()} when the key existed; never for the events replayed from history by
 *     {@link MvccStore#changes(long, long)} (the watch layer reads it at {@code modRevision - 1}
 *     when asked, as etcd does)
 */
public record Event(Type type, KeyValue kv, Optional<KeyValue> prevKv) {

    /** The kinds of change, as in etcd's {@code mvccpb.Event.EventType}. */
    public enum Type {
        PUT,
        DELETE
    }
}
