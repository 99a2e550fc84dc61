package etcetera.server.mvcc;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * One version of a key as the store keeps it, with the fields of etcd's {@code mvccpb.KeyValue}.
 * A tombstone (the key in a DELETE event) has only {@code key} and {@code modRevision} set.
 *
 * <p>The arrays are not copied, to keep the write path free of needless allocation: whoever
 * builds a {@code KeyValue} hands its arrays over, and nobody mutates them afterwards.
 *
 * @param key the key, never empty for a stored key
 * @param createRevision main revision of the put that created this generation of the key
 * @param modRevision main revision of the change that produced this version
 * @param version 1 for the creating put, +1 for each later put; 0 for a tombstone
 * @param value the value (empty for a tombstone)
 * @param lease the lease id attached, 0 for none
 */
public record KeyValue(byte[] key, long createRevision, long modRevision, long version, byte[] value, long lease) {

    private static final byte[] EMPTY = new byte[0];

    /** The record of {@code key} deleted at main revision {@code modRevision}. */
    public static KeyValue tombstone(byte[] key, long modRevision) {
        return new KeyValue(key, 0, modRevision, 0, EMPTY, 0);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyValue kv
                && createRevision == kv.createRevision
                && modRevision == kv.modRevision
                && version == kv.version
                && lease == kv.lease
                && Arrays.equals(key, kv.key)
                && Arrays.equals(value, kv.value);
    }

    @Override
    public int hashCode() {
        int h = Arrays.hashCode(key);
        h = 31 * h + Long.hashCode(modRevision);
        h = 31 * h + Arrays.hashCode(value);
        return h;
    }

    @Override
    public String toString() {
        return "KeyValue[key=" + printable(key) + ", create=" + createRevision + ", mod=" + modRevision
                + ", version=" + version + ", value=" + printable(value) + ", lease=" + lease + "]";
    }

    private static String printable(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0x20 || b > 0x7E) {
                return "0x" + HexFormat.of().formatHex(bytes);
            }
        }
        return "\"" + new String(bytes, java.nio.charset.StandardCharsets.US_ASCII) + "\"";
    }
}
