package etcetera.storage.lmdb;

import java.util.Arrays;

/**
 * How bucket entries are laid out in the single {@code data} database: the bucket's id as
 * 4 big-endian bytes, then the key. LMDB orders keys by unsigned bytes, so each bucket is one
 * contiguous range in key order. Stateless.
 */
final class KeyLayout {

    static final int PREFIX_BYTES = 4;

    private KeyLayout() {
    }

    static byte[] idBytes(int id) {
        return new byte[] {(byte) (id >>> 24), (byte) (id >>> 16), (byte) (id >>> 8), (byte) id};
    }

    static int id(byte[] idBytes) {
        if (idBytes.length != PREFIX_BYTES) {
            throw new IllegalStateException("corrupt bucket id of " + idBytes.length + " bytes");
        }
        return (idBytes[0] & 0xff) << 24 | (idBytes[1] & 0xff) << 16 | (idBytes[2] & 0xff) << 8 | (idBytes[3] & 0xff);
    }

    /** The stored key of {@code key} in the bucket with id {@code id}. */
    static byte[] dataKey(int id, byte[] key) {
        byte[] out = new byte[PREFIX_BYTES + key.length];
        out[0] = (byte) (id >>> 24);
        out[1] = (byte) (id >>> 16);
        out[2] = (byte) (id >>> 8);
        out[3] = (byte) id;
        System.arraycopy(key, 0, out, PREFIX_BYTES, key.length);
        return out;
    }

    /** The first stored key past every key of the bucket with id {@code id}. */
    static byte[] endOfBucket(int id) {
        return idBytes(id + 1);
    }

    static boolean inBucket(byte[] stored, int id) {
        return stored.length >= PREFIX_BYTES
                && stored[0] == (byte) (id >>> 24) && stored[1] == (byte) (id >>> 16)
                && stored[2] == (byte) (id >>> 8) && stored[3] == (byte) id;
    }

    static byte[] userKey(byte[] stored) {
        return Arrays.copyOfRange(stored, PREFIX_BYTES, stored.length);
    }

    /** Compares the user key inside {@code stored} with {@code key}, by unsigned bytes. */
    static int compareUserKey(byte[] stored, byte[] key) {
        return Arrays.compareUnsigned(stored, PREFIX_BYTES, stored.length, key, 0, key.length);
    }

    /** Whether {@code stored} sorts after the bucket {@code id}, or inside it at or past {@code to} (if not {@code null}). */
    static boolean pastEnd(byte[] stored, int id, byte[] to) {
        int bucketOrder = Arrays.compareUnsigned(stored, 0, Math.min(PREFIX_BYTES, stored.length), idBytes(id), 0, PREFIX_BYTES);
        return bucketOrder > 0 || (bucketOrder == 0 && to != null && compareUserKey(stored, to) >= 0);
    }
}
