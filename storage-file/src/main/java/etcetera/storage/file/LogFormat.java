package etcetera.storage.file;

import java.nio.charset.StandardCharsets;

/**
 * The layout of the data file, in one place.
 *
 * <pre>
 * file   = header frame*
 * header = magic "ETCFILE\0" (8 bytes), version (int, 1), reserved (int, 0)
 * frame  = length (int) crc32c (int, of the length's 4 bytes then the payload) payload
 *          length = payload length | CONTINUED (top bit) if more frames of the batch follow
 * payload = record*   -- a committed batch (or a piece of one), or a chunk of a defragmented file
 * record = 'C' id name-length name(UTF-8)        create bucket
 *        | 'X' id                                 delete bucket
 *        | 'P' id key-length key value-length value
 *        | 'D' id key-length key
 * </pre>
 * Integers in records are unsigned LEB128 varints; frame header integers are big-endian.
 * A batch counts only when all its frames are complete and their checksums match, up to
 * its final (not continued) frame; the first frame that is not ends the log (a torn tail,
 * cut off on open). Stateless.
 */
final class LogFormat {

    static final byte[] MAGIC = "ETCFILE\0".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    static final int FILE_HEADER_SIZE = 16;
    static final int FRAME_HEADER_SIZE = 8;
    /** The flag in a frame's length that says more frames of the same batch follow. */
    static final int CONTINUED = 0x8000_0000;

    static final byte CREATE_BUCKET = 'C';
    static final byte DELETE_BUCKET = 'X';
    static final byte PUT = 'P';
    static final byte DELETE = 'D';

    /** A lower bound of a bucket-create record's size beyond its name. */
    static final int BUCKET_RECORD_OVERHEAD = 3;

    private LogFormat() {
    }

    /**
     * The bytes a put record takes, counted as a lower bound (one byte per varint) so that
     * the live bytes never exceed the file size. Linear in the value length, so overwrites
     * can be accounted by the difference of lengths.
     */
    static long putRecordSize(int keyLength, int valueLength) {
        return 4L + keyLength + valueLength;
    }

    static int varintSize(int value) {
        int size = 1;
        while ((value & ~0x7f) != 0) {
            value >>>= 7;
            size++;
        }
        return size;
    }
}
