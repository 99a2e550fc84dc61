package etcetera.server.mvcc;

import java.util.Optional;

/**
 * One change made by a write transaction, as the watch hub and the apply layer see it.
 *
 * @param type what happened to the key
 * @param kv for PUT the new version; for DELETE a tombstone with the key and the deleting revision
 * @param prevKv the version of the key just before this change, if it existed
 */
public record Event(Type type, KeyValue kv, Optional<KeyValue> prevKv) {

    /** The kinds of change, as in etcd's {@code mvccpb.Event.EventType}. */
    public enum Type {
        PUT,
        DELETE
    }

    public Event {
        if (type == Type.DELETE && prevKv.isEmpty()) {
            throw new IllegalArgumentException("a DELETE event always has the deleted version");
        }
    }
}
