package etcetera.raft.wal;

import etcetera.raft.Entry;
import etcetera.raft.HardState;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * Encodes a batch of records into one reusable direct buffer, so that a whole append is one
 * write call. Owned by the thread that owns the {@link Wal}.
 */
final class RecordEncoder {

    private ByteBuffer buf = ByteBuffer.allocateDirect(64 * 1024).order(ByteOrder.LITTLE_ENDIAN);
    private final CRC32C crc = new CRC32C();

    void clear() {
        buf.clear();
    }

    /** The encoded batch, ready to be written. */
    ByteBuffer flip() {
        return buf.flip();
    }

    int size() {
        return buf.position();
    }

    void segmentHeader(long walId, long seq, long firstIndex) {
        int start = begin(WalRecord.SEGMENT_HEADER, 32);
        buf.putInt(WalRecord.MAGIC).putInt(WalRecord.FORMAT_VERSION).putLong(walId).putLong(seq).putLong(firstIndex);
        finish(start);
    }

    void metadata(byte[] bytes) {
        int start = begin(WalRecord.METADATA, bytes.length);
        buf.put(bytes);
        finish(start);
    }

    void entry(Entry e) {
        int start = begin(WalRecord.ENTRY, 17 + e.data().length);
        buf.putLong(e.term()).putLong(e.index()).put((byte) e.type().ordinal()).put(e.data());
        finish(start);
    }

    void hardState(HardState s) {
        int start = begin(WalRecord.HARD_STATE, 24);
        buf.putLong(s.term()).putLong(s.vote()).putLong(s.commit());
        finish(start);
    }

    void snapshot(SnapshotMarker m) {
        int start = begin(WalRecord.SNAPSHOT, 16);
        buf.putLong(m.index()).putLong(m.term());
        finish(start);
    }

    void syncMark(long walId, long seq, long durableOffset) {
        int start = begin(WalRecord.SYNC_MARK, 24);
        buf.putLong(walId).putLong(seq).putLong(durableOffset);
        finish(start);
    }

    private int begin(int type, int bodyLength) {
        ensure(RecordFrame.paddedLength(bodyLength));
        int start = buf.position();
        buf.putInt(0).putInt(bodyLength).put((byte) type).put((byte) 0).put((byte) 0).put((byte) 0);
        return start;
    }

    private void finish(int start) {
        int bodyLength = buf.getInt(start + 4);
        buf.putInt(start, RecordFrame.crcOf(crc, buf, start, bodyLength));
        int end = start + RecordFrame.paddedLength(bodyLength);
        while (buf.position() < end) {
            buf.put((byte) 0);
        }
    }

    private void ensure(int more) {
        if (buf.remaining() >= more) {
            return;
        }
        long wanted = Math.max((long) buf.capacity() * 2, (long) buf.position() + more);
        if (wanted > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("WAL batch too large: " + wanted + " bytes");
        }
        ByteBuffer bigger = ByteBuffer.allocateDirect((int) wanted).order(ByteOrder.LITTLE_ENDIAN);
        bigger.put(buf.flip());
        buf = bigger;
    }
}
