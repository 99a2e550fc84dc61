package etcetera.storage.file;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Encodes the operations of one batch into a log record payload. Used by one thread. */
final class BatchEncoder {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    private final DataOutputStream out = new DataOutputStream(bytes);

    void createBucket(String bucket) {
        op(LogBackend.OP_CREATE_BUCKET, bucket);
    }

    void deleteBucket(String bucket) {
        op(LogBackend.OP_DELETE_BUCKET, bucket);
    }

    void put(String bucket, byte[] key, byte[] value) {
        try {
            op(LogBackend.OP_PUT, bucket);
            out.writeInt(key.length);
            out.write(key);
            out.writeInt(value.length);
            out.write(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void delete(String bucket, byte[] key) {
        try {
            op(LogBackend.OP_DELETE, bucket);
            out.writeInt(key.length);
            out.write(key);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void op(byte op, String bucket) {
        byte[] name = bucket.getBytes(StandardCharsets.UTF_8);
        if (name.length > 0xFFFF) {
            throw new IllegalArgumentException("bucket name too long: " + name.length + " bytes");
        }
        try {
            out.writeByte(op);
            out.writeShort(name.length);
            out.write(name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int size() {
        return bytes.size();
    }

    byte[] toBytes() {
        return bytes.toByteArray();
    }

    void reset() {
        bytes.reset();
    }
}
