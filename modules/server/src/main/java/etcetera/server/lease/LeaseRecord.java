package etcetera.server.lease;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A lease as the {@code lease} bucket keeps it: the key is the ID as 8 big-endian bytes, the
 * value the protobuf encoding of etcd's {@code leasepb.Lease} (ID = 1, TTL = 2,
 * RemainingTTL = 3, all int64), so that the bucket reads the same as etcd's. A value.
 */
record LeaseRecord(long id, long ttlSeconds, long remainingSeconds) {

    static byte[] key(long id) {
        byte[] out = new byte[8];
        for (int i = 7; i >= 0; i--) {
            out[i] = (byte) id;
            id >>>= 8;
        }
        return out;
    }

    byte[] encode() {
        int size = CodedOutputStream.computeInt64Size(1, id)
                + (ttlSeconds != 0 ? CodedOutputStream.computeInt64Size(2, ttlSeconds) : 0)
                + (remainingSeconds != 0 ? CodedOutputStream.computeInt64Size(3, remainingSeconds) : 0);
        byte[] out = new byte[size];
        CodedOutputStream stream = CodedOutputStream.newInstance(out);
        try {
            stream.writeInt64(1, id);
            if (ttlSeconds != 0) {
                stream.writeInt64(2, ttlSeconds);
            }
            if (remainingSeconds != 0) {
                stream.writeInt64(3, remainingSeconds);
            }
            stream.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new UncheckedIOException("encoding a lease record", e);
        }
        return out;
    }

    /** @throws IllegalStateException if the bytes are not a lease record */
    static LeaseRecord decode(byte[] bytes) {
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        long id = 0;
        long ttl = 0;
        long remaining = 0;
        try {
            while (true) {
                int tag = in.readTag();
                switch (tag) {
                    case 0 -> {
                        return new LeaseRecord(id, ttl, remaining);
                    }
                    case 8 -> id = in.readInt64();
                    case 16 -> ttl = in.readInt64();
                    case 24 -> remaining = in.readInt64();
                    default -> in.skipField(tag);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("corrupt lease record in the backend: " + e.getMessage(), e);
        }
    }
}
