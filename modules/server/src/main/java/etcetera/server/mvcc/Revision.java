package etcetera.server.mvcc;

/**
 * A point in the store's history: {@code main} is the revision of one atomic change set (a
 * write transaction), {@code sub} numbers the changes inside it from 0.
 *
 * <p>In the backend's key bucket a revision is the key of the stored record: 17 bytes,
 * big-endian {@code main}, the separator {@code '_'}, big-endian {@code sub}, so that unsigned
 * byte order equals revision order. A deletion (tombstone) record carries one more byte,
 * {@code 't'}, after those 17. Immutable value.
 */
public record Revision(long main, long sub) implements Comparable<Revision> {

    /** Length of an encoded revision without tombstone marker. */
    public static final int ENCODED_LENGTH = 17;
    /** Length of an encoded tombstone revision. */
    public static final int TOMBSTONE_ENCODED_LENGTH = ENCODED_LENGTH + 1;

    private static final byte SEPARATOR = '_';
    private static final byte TOMBSTONE_MARK = 't';

    public Revision {
        if (main < 0 || sub < 0) {
            throw new IllegalArgumentException("revision parts must be >= 0, was " + main + "_" + sub);
        }
    }

    /** The 17-byte encoding. */
    public byte[] toBytes() {
        byte[] out = new byte[ENCODED_LENGTH];
        write(out);
        return out;
    }

    /** The 18-byte encoding of a tombstone at this revision. */
    public byte[] toTombstoneBytes() {
        byte[] out = new byte[TOMBSTONE_ENCODED_LENGTH];
        write(out);
        out[ENCODED_LENGTH] = TOMBSTONE_MARK;
        return out;
    }

    private void write(byte[] out) {
        putLong(out, 0, main);
        out[8] = SEPARATOR;
        putLong(out, 9, sub);
    }

    /**
     * Decodes a 17-byte revision or an 18-byte tombstone revision.
     *
     * @throws IllegalArgumentException if {@code bytes} is not such an encoding
     */
    public static Revision fromBytes(byte[] bytes) {
        boolean plain = bytes.length == ENCODED_LENGTH;
        boolean tombstone = bytes.length == TOMBSTONE_ENCODED_LENGTH && bytes[ENCODED_LENGTH] == TOMBSTONE_MARK;
        if (!(plain || tombstone) || bytes[8] != SEPARATOR) {
            throw new IllegalArgumentException("not an encoded revision (" + bytes.length + " bytes)");
        }
        return new Revision(getLong(bytes, 0), getLong(bytes, 9));
    }

    /** Whether {@code bytes} is the encoding of a tombstone revision. */
    public static boolean isTombstone(byte[] bytes) {
        return bytes.length == TOMBSTONE_ENCODED_LENGTH && bytes[ENCODED_LENGTH] == TOMBSTONE_MARK;
    }

    /** The encoding of {@code (main, 0)}: the smallest key of that main revision in the key bucket. */
    public static byte[] startOf(long main) {
        return new Revision(main, 0).toBytes();
    }

    /** The revision that follows this one in the same change set. */
    Revision nextSub() {
        return new Revision(main, sub + 1);
    }

    @Override
    public int compareTo(Revision other) {
        int byMain = Long.compare(main, other.main);
        return byMain != 0 ? byMain : Long.compare(sub, other.sub);
    }

    @Override
    public String toString() {
        return main + "_" + sub;
    }

    private static void putLong(byte[] out, int at, long value) {
        for (int i = 7; i >= 0; i--) {
            out[at + i] = (byte) value;
            value >>>= 8;
        }
    }

    private static long getLong(byte[] in, int at) {
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value = (value << 8) | (in[at + i] & 0xFF);
        }
        return value;
    }
}
