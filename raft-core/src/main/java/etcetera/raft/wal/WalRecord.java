package etcetera.raft.wal;

import etcetera.raft.Entry;
import etcetera.raft.EntryType;
import etcetera.raft.HardState;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The records a WAL segment holds, one per frame, with the codes and body layouts that put them
 * on disk (little-endian). The layouts are this project's own; they are not etcd's protobufs.
 */
sealed interface WalRecord {

    /** Type code of the frame. Code 0 is never used, so a zero-filled header is never a record. */
    int code();

    int SEGMENT_HEADER = 1;
    int METADATA = 2;
    int ENTRY = 3;
    int HARD_STATE = 4;
    int SNAPSHOT = 5;
    int SYNC_MARK = 6;

    /** "ETCW": the magic of a segment header. */
    int MAGIC = 0x57435445;
    int FORMAT_VERSION = 1;

    /**
     * The first record of every segment: ties the file to its log ({@code walId}, random at
     * creation), its place in the sequence and the first index it may hold.
     */
    record SegmentHeader(long walId, long seq, long firstIndex) implements WalRecord {
        public int code() {
            return SEGMENT_HEADER;
        }
    }

    /** The opaque bytes given at creation, written second in every segment. */
    record Metadata(byte[] bytes) implements WalRecord {
        public int code() {
            return METADATA;
        }

        boolean sameAs(byte[] other) {
            return Arrays.equals(bytes, other);
        }
    }

    record EntryRecord(Entry entry) implements WalRecord {
        public int code() {
            return ENTRY;
        }
    }

    record StateRecord(HardState state) implements WalRecord {
        public int code() {
            return HARD_STATE;
        }
    }

    record SnapshotRecord(SnapshotMarker marker) implements WalRecord {
        public int code() {
            return SNAPSHOT;
        }
    }

    /**
     * Proof that the first {@code durableOffset} bytes of segment {@code seq} were fsynced: it is
     * written only after that fsync returned. On open, a damaged record below a valid sync mark's
     * offset is corruption, not a torn write.
     */
    record SyncMark(long walId, long seq, long durableOffset) implements WalRecord {
        public int code() {
            return SYNC_MARK;
        }
    }

    /**
     * Decodes a body whose frame CRC already matched. A body of the wrong shape can therefore
     * not be a torn write: it is reported as {@link IllegalArgumentException} and the caller
     * turns it into corruption at the frame's offset.
     */
    static WalRecord decode(int code, ByteBuffer body) {
        ByteBuffer b = body.slice().order(java.nio.ByteOrder.LITTLE_ENDIAN);
        try {
            WalRecord record = switch (code) {
                case SEGMENT_HEADER -> {
                    int magic = b.getInt();
                    int version = b.getInt();
                    if (magic != MAGIC || version != FORMAT_VERSION) {
                        throw new IllegalArgumentException("segment header with magic " + Integer.toHexString(magic)
                                + " version " + version + ", expected " + Integer.toHexString(MAGIC) + " version "
                                + FORMAT_VERSION);
                    }
                    yield new SegmentHeader(b.getLong(), b.getLong(), b.getLong());
                }
                case METADATA -> {
                    byte[] bytes = new byte[b.remaining()];
                    b.get(bytes);
                    yield new Metadata(bytes);
                }
                case ENTRY -> {
                    long term = b.getLong();
                    long index = b.getLong();
                    int type = b.get();
                    EntryType[] types = EntryType.values();
                    if (type < 0 || type >= types.length) {
                        throw new IllegalArgumentException("unknown entry type " + type);
                    }
                    byte[] data = new byte[b.remaining()];
                    b.get(data);
                    yield new EntryRecord(new Entry(term, index, types[type], data));
                }
                case HARD_STATE -> new StateRecord(new HardState(b.getLong(), b.getLong(), b.getLong()));
                case SNAPSHOT -> {
                    long index = b.getLong();
                    yield new SnapshotRecord(new SnapshotMarker(index, b.getLong()));
                }
                case SYNC_MARK -> new SyncMark(b.getLong(), b.getLong(), b.getLong());
                default -> throw new IllegalArgumentException("unknown record type " + code);
            };
            if (b.hasRemaining() && code != METADATA && code != ENTRY) {
                throw new IllegalArgumentException("record type " + code + " has " + b.remaining() + " extra bytes");
            }
            return record;
        } catch (java.nio.BufferUnderflowException e) {
            throw new IllegalArgumentException("record type " + code + " body too short (" + body.remaining() + " bytes)");
        }
    }
}
