package etcetera.storage.file;

import etcetera.api.storage.StorageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Rebuilds the index from the data file on open: reads the frames in order through a large
 * buffer, checks each one's length and checksum, and applies its records to a {@link Draft}.
 * The first incomplete or corrupt frame ends the log; {@link #run} returns where, so that
 * the opener can cut the torn tail off. Used once, by the opening thread.
 */
final class LogReplay {

    private final DataFile file;
    private final long fileLength;
    private Draft draft = new Draft();
    private byte[] buffer = new byte[1 << 20];
    /** The file offset of buffer[0] and the number of valid bytes in the buffer. */
    private long bufferStart;
    private int bufferLength;
    private int cursor;

    LogReplay(DataFile file, long fileLength) {
        this.file = file;
        this.fileLength = fileLength;
    }

    /** The index as of the end of the log; valid after {@link #run}. */
    Draft draft() {
        return draft;
    }

    /** Applies every whole batch; returns the offset just past the last one. */
    long run() throws IOException {
        long at = LogFormat.FILE_HEADER_SIZE;
        CRC32C crc = new CRC32C();
        // A batch of several frames is applied as it is read; if it turns out unfinished,
        // the index goes back to this state, frozen when the batch began.
        long batchStart = -1;
        Committed beforeBatch = null;
        while (at + LogFormat.FRAME_HEADER_SIZE <= fileLength) {
            load(at, LogFormat.FRAME_HEADER_SIZE);
            int start = (int) (at - bufferStart);
            int lengthField = getInt(start);
            boolean continued = (lengthField & LogFormat.CONTINUED) != 0;
            int payload = lengthField & ~LogFormat.CONTINUED;
            int checksum = getInt(start + 4);
            if (at + LogFormat.FRAME_HEADER_SIZE + payload > fileLength) {
                break;
            }
            load(at, LogFormat.FRAME_HEADER_SIZE + payload);
            start = (int) (at - bufferStart);
            crc.reset();
            crc.update(buffer, start, 4);
            crc.update(buffer, start + LogFormat.FRAME_HEADER_SIZE, payload);
            if ((int) crc.getValue() != checksum) {
                break;
            }
            if (continued && batchStart < 0) {
                batchStart = at;
                beforeBatch = draft.freeze(file, at);
            }
            apply(start + LogFormat.FRAME_HEADER_SIZE, start + LogFormat.FRAME_HEADER_SIZE + payload);
            at += LogFormat.FRAME_HEADER_SIZE + payload;
            if (!continued) {
                batchStart = -1;
                beforeBatch = null;
            }
        }
        if (beforeBatch != null) {
            draft = new Draft(beforeBatch);
            return batchStart;
        }
        return at;
    }

    /** Makes the buffer hold the file bytes [at, at + length). */
    private void load(long at, int length) throws IOException {
        if (at >= bufferStart && at + length <= bufferStart + bufferLength) {
            return;
        }
        if (length > buffer.length) {
            buffer = new byte[Math.max(length, buffer.length * 2)];
        }
        bufferStart = at;
        bufferLength = file.readUpTo(ByteBuffer.wrap(buffer), at);
        if (bufferLength < length) {
            throw new StorageException("data file " + file.path + " shrank while it was being opened");
        }
    }

    private void apply(int from, int to) {
        cursor = from;
        while (cursor < to) {
            byte tag = buffer[cursor++];
            switch (tag) {
                case LogFormat.CREATE_BUCKET -> {
                    int id = varint();
                    int length = varint();
                    String name = new String(buffer, cursor, length, StandardCharsets.UTF_8);
                    cursor += length;
                    draft.createBucket(name, id);
                }
                case LogFormat.DELETE_BUCKET -> draft.deleteBucket(draft.bucket(varint()));
                case LogFormat.PUT -> {
                    Draft.Bucket bucket = draft.bucket(varint());
                    byte[] key = bytes(varint());
                    int length = varint();
                    draft.put(bucket, key, bufferStart + cursor, length);
                    cursor += length;
                }
                case LogFormat.DELETE -> {
                    Draft.Bucket bucket = draft.bucket(varint());
                    draft.delete(bucket, bytes(varint()));
                }
                default -> throw new StorageException("corrupt data file " + file.path + ": unknown record tag " + tag
                        + " at offset " + (bufferStart + cursor - 1));
            }
            if (cursor > to) {
                throw new StorageException("corrupt data file " + file.path + ": record overruns its frame at offset " + (bufferStart + to));
            }
        }
    }

    private byte[] bytes(int length) {
        byte[] bytes = Arrays.copyOfRange(buffer, cursor, cursor + length);
        cursor += length;
        return bytes;
    }

    private int varint() {
        int value = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            byte b = buffer[cursor++];
            value |= (b & 0x7f) << shift;
            if (b >= 0) {
                return value;
            }
        }
        throw new StorageException("corrupt data file " + file.path + ": bad varint at offset " + (bufferStart + cursor));
    }

    private int getInt(int at) {
        return (buffer[at] & 0xff) << 24 | (buffer[at + 1] & 0xff) << 16 | (buffer[at + 2] & 0xff) << 8 | (buffer[at + 3] & 0xff);
    }
}
