package etcetera.raft.wal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * The on-disk frame of one WAL record, and the reading of frames out of a segment's bytes.
 *
 * <pre>
 *   0  int   crc32c of bytes [4, 12 + length)
 *   4  int   length of the body
 *   8  byte  record type (never 0)
 *   9  3 bytes zero (reserved, covered by the crc)
 *  12  body
 *      zero padding to the next multiple of 8
 * </pre>
 *
 * Frames start at multiples of 8, so a scan for valid frames after a damaged one only needs to
 * try aligned offsets, and a zero-filled (preallocated, never written) area never decodes as a
 * frame because type 0 is invalid. Instances are cursors used by one thread at a time.
 */
final class RecordFrame {

    static final int HEADER_BYTES = 12;
    static final int ALIGNMENT = 8;

    private final ByteBuffer file;
    private final CRC32C crc = new CRC32C();

    /** After a successful {@link #readAt}: the frame's type, body and where the next frame starts. */
    int type;
    int bodyStart;
    int bodyLength;
    int next;
    /** After a failed {@link #readAt}: why the bytes there are not a frame. */
    String problem;

    /** @param file the segment's bytes from offset 0; its limit is where the readable bytes end */
    RecordFrame(ByteBuffer file) {
        this.file = file.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    static int paddedLength(int bodyLength) {
        return align(HEADER_BYTES + bodyLength);
    }

    static int align(int n) {
        return (n + ALIGNMENT - 1) & -ALIGNMENT;
    }

    int limit() {
        return file.limit();
    }

    /** Reads the frame at {@code pos}; returns whether it is a whole frame with a matching crc. */
    boolean readAt(int pos) {
        int limit = file.limit();
        if (pos + HEADER_BYTES > limit) {
            problem = "incomplete record header: " + (limit - pos) + " bytes before end of file";
            return false;
        }
        int storedCrc = file.getInt(pos);
        int length = file.getInt(pos + 4);
        int code = file.get(pos + 8);
        if (code == 0 && length == 0 && storedCrc == 0) {
            problem = "zero-filled record header";
            return false;
        }
        if (code <= 0 || code > WalRecord.SYNC_MARK) {
            problem = "unknown record type " + code;
            return false;
        }
        if (file.get(pos + 9) != 0 || file.get(pos + 10) != 0 || file.get(pos + 11) != 0) {
            problem = "reserved header bytes are not zero";
            return false;
        }
        if (length < 0 || length > limit - pos - HEADER_BYTES) {
            problem = "record length " + length + " runs past end of file";
            return false;
        }
        crc.reset();
        crc.update(file.slice(pos + 4, HEADER_BYTES - 4 + length));
        if ((int) crc.getValue() != storedCrc) {
            problem = "crc mismatch";
            return false;
        }
        type = code;
        bodyStart = pos + HEADER_BYTES;
        bodyLength = length;
        next = Math.min(limit, pos + paddedLength(length));
        problem = null;
        return true;
    }

    WalRecord decode() {
        return WalRecord.decode(type, file.slice(bodyStart, bodyLength));
    }

    /** Whether every byte in [from, to) is zero. */
    boolean zeroFrom(int from, int to) {
        int i = from;
        for (; i + 8 <= to; i += 8) {
            if (file.getLong(i) != 0) {
                return false;
            }
        }
        for (; i < to; i++) {
            if (file.get(i) != 0) {
                return false;
            }
        }
        return true;
    }

    /** Computes the crc of a frame being encoded in {@code buf} at {@code start}. */
    static int crcOf(CRC32C crc, ByteBuffer buf, int start, int bodyLength) {
        crc.reset();
        crc.update(buf.slice(start + 4, HEADER_BYTES - 4 + bodyLength));
        return (int) crc.getValue();
    }
}
