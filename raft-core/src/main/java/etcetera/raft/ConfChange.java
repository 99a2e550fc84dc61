package etcetera.raft;

import java.nio.ByteBuffer;

/**
 * A single-member change of the group's membership, carried in a {@link EntryType#CONF_CHANGE}
 * entry. Propose it with {@link RawNode#proposeConfChange(ConfChange)}; once committed the
 * application applies it with {@link RawNode#applyConfChange(ConfChange)}. Only one change may be
 * pending (proposed and not yet applied) at a time.
 *
 * @param id the proposer's id for this change (lets the application match the committed entry
 *     to the waiting request)
 * @param type what changes
 * @param nodeId the member concerned
 * @param context application bytes (etcd puts the encoded member here)
 */
public record ConfChange(long id, Type type, long nodeId, byte[] context) {

    /** The kinds of single-member change. */
    public enum Type {
        /** Add a voter, or promote a learner to voter. */
        ADD_NODE,
        /** Remove a member (voter or learner). */
        REMOVE_NODE,
        /** Change nothing in Raft; the application updates the member's attributes. */
        UPDATE_NODE,
        /** Add a learner (non-voting member that receives the log). */
        ADD_LEARNER_NODE
    }

    public ConfChange {
        if (type == null) {
            throw new IllegalArgumentException("type must not be null");
        }
        if (context == null) {
            context = new byte[0];
        }
    }

    /** The entry payload: id, type ordinal, node id, then the context bytes. */
    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(17 + context.length);
        b.putLong(id).put((byte) type.ordinal()).putLong(nodeId).put(context);
        return b.array();
    }

    /** Decodes what {@link #encode()} produced. */
    public static ConfChange decode(byte[] data) {
        if (data.length < 17) {
            throw new IllegalArgumentException("conf change payload too short: " + data.length + " bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(data);
        long id = b.getLong();
        int t = b.get();
        if (t < 0 || t >= Type.values().length) {
            throw new IllegalArgumentException("unknown conf change type " + t);
        }
        long node = b.getLong();
        byte[] ctx = new byte[b.remaining()];
        b.get(ctx);
        return new ConfChange(id, Type.values()[t], node, ctx);
    }
}
