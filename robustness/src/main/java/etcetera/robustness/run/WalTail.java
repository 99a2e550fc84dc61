package etcetera.robustness.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Simulates a torn write at the tail of our WAL after a crash: finds the end of the records in
 * the last segment ({@code <data-dir>/member/wal/*.wal}; frames {@code crc | length | type |
 * reserved | body}, 8-byte aligned, then the zero-filled preallocated area) and writes there the
 * start of a frame that claims more bytes than follow, with a wrong CRC — what a crash in the
 * middle of a write that was never fsynced, hence never acknowledged, leaves. Nothing before
 * that point is touched. Our format only: etcd's WAL frames differ. Stateless.
 */
final class WalTail {

    private static final int HEADER_BYTES = 12;

    private WalTail() {}

    /** Tears the tail of the last WAL segment under {@code dataDir}; returns the offset written at. */
    static long tear(Path dataDir, Random random) {
        Path segment = lastSegment(dataDir.resolve("member").resolve("wal"));
        try (FileChannel file = FileChannel.open(segment, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long end = endOfRecords(file);
            ByteBuffer torn = ByteBuffer.allocate(HEADER_BYTES + 40).order(ByteOrder.LITTLE_ENDIAN);
            torn.putInt(random.nextInt() | 1);   // a CRC that will not match
            torn.putInt(4096);                    // a body longer than what was written
            torn.put((byte) 3);                   // a valid record type
            torn.put(new byte[3]);
            byte[] body = new byte[40];
            random.nextBytes(body);
            torn.put(body).flip();
            file.write(torn, end);
            file.force(true);
            return end;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path lastSegment(Path walDir) {
        try (Stream<Path> files = Files.list(walDir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".wal"))
                    .max(Comparator.comparing(p -> p.getFileName().toString()))
                    .orElseThrow(() -> new IllegalStateException("no WAL segment in " + walDir));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The offset of the first all-zero frame header: where the records end. */
    static long endOfRecords(FileChannel file) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        long pos = 0;
        long size = file.size();
        while (pos + HEADER_BYTES <= size) {
            header.clear();
            file.read(header, pos);
            int crc = header.getInt(0);
            int length = header.getInt(4);
            byte type = header.get(8);
            if (crc == 0 && length == 0 && type == 0) {
                return pos;
            }
            if (type <= 0 || length < 0) {
                throw new IllegalStateException("not a WAL frame of ours at offset " + pos);
            }
            pos += (HEADER_BYTES + (long) length + 7) & ~7L;
        }
        throw new IllegalStateException("WAL segment full: no room for a torn tail");
    }
}
