package etcetera.server.mvcc;

import java.util.Arrays;

/**
 * The compact binary form of a {@link KeyValue} as a value of the backend's key bucket:
 *
 * <pre>
 * format (1 byte = 1)
 * createRevision, modRevision, version, lease   (unsigned LEB128 varints of the raw longs)
 * key length (varint) key bytes
 * value length (varint) value bytes
 * </pre>
 *
 * Stateless; safe from any thread.
 */
final class KeyValueCodec {

    static final byte FORMAT = 1;

    private KeyValueCodec() {
    }

    static byte[] encode(KeyValue kv) {
        byte[] key = kv.key();
        byte[] value = kv.value();
        int size = 1 + varintSize(kv.createRevision()) + varintSize(kv.modRevision()) + varintSize(kv.version())
                + varintSize(kv.lease()) + varintSize(key.length) + key.length + varintSize(value.length) + value.length;
        byte[] out = new byte[size];
        out[0] = FORMAT;
        int at = 1;
        at = putVarint(out, at, kv.createRevision());
        at = putVarint(out, at, kv.modRevision());
        at = putVarint(out, at, kv.version());
        at = putVarint(out, at, kv.lease());
        at = putVarint(out, at, key.length);
        System.arraycopy(key, 0, out, at, key.length);
        at += key.length;
        at = putVarint(out, at, value.length);
        System.arraycopy(value, 0, out, at, value.length);
        return out;
    }

    /**
     * @throws IllegalStateException if {@code bytes} is not a record of this format: the
     *     backend is corrupt or was written by something else
     */
    static KeyValue decode(byte[] bytes) {
        if (bytes.length == 0 || bytes[0] != FORMAT) {
            throw corrupt("unknown format " + (bytes.length == 0 ? "(empty)" : bytes[0]));
        }
        Reader in = new Reader(bytes, 1);
        long create = in.varint();
        long mod = in.varint();
        long version = in.varint();
        long lease = in.varint();
        byte[] key = in.block();
        byte[] value = in.block();
        if (in.at != bytes.length) {
            throw corrupt((bytes.length - in.at) + " trailing bytes");
        }
        return new KeyValue(key, create, mod, version, value, lease);
    }

    private static int varintSize(long value) {
        int size = 1;
        while ((value & ~0x7FL) != 0) {
            value >>>= 7;
            size++;
        }
        return size;
    }

    private static int putVarint(byte[] out, int at, long value) {
        while ((value & ~0x7FL) != 0) {
            out[at++] = (byte) ((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        out[at++] = (byte) value;
        return at;
    }

    private static IllegalStateException corrupt(String why) {
        return new IllegalStateException("corrupt key-value record in the backend: " + why);
    }

    /** A cursor over one record being decoded; confined to the decoding call. */
    private static final class Reader {
        private final byte[] bytes;
        private int at;

        Reader(byte[] bytes, int at) {
            this.bytes = bytes;
            this.at = at;
        }

        long varint() {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (at >= bytes.length) {
                    throw corrupt("truncated varint");
                }
                byte b = bytes[at++];
                value |= (long) (b & 0x7F) << shift;
                if (b >= 0) {
                    return value;
                }
            }
            throw corrupt("varint longer than 10 bytes");
        }

        byte[] block() {
            long length = varint();
            if (length < 0 || length > bytes.length - at) {
                throw corrupt("block of " + length + " bytes overruns the record");
            }
            int start = at;
            at += (int) length;
            return Arrays.copyOfRange(bytes, start, at);
        }
    }
}
