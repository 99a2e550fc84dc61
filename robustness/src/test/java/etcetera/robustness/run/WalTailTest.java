package etcetera.robustness.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The torn tail goes exactly where the records end, leaves every record before it alone, and claims more than follows. */
class WalTailTest {

    @Test
    void tornFrameIsWrittenRightAfterTheLastRecord(@TempDir Path dataDir) throws Exception {
        Path wal = Files.createDirectories(dataDir.resolve("member/wal"));
        ByteBuffer segment = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
        // two frames: bodies of 5 and 16 bytes, each padded to 8
        segment.putInt(0, 123).putInt(4, 5).put(8, (byte) 1).put(12, (byte) 7);
        segment.putInt(24, 456).putInt(28, 16).put(32, (byte) 3);
        byte[] before = segment.array().clone();
        Files.write(wal.resolve("0000000000000000-0000000000000001.wal"), before);
        Files.write(wal.resolve("next-segment.tmp"), new byte[4096]);

        long at = WalTail.tear(dataDir, new Random(7));

        assertEquals(24 + 32, at);
        byte[] after = Files.readAllBytes(wal.resolve("0000000000000000-0000000000000001.wal"));
        assertArrayEquals(Arrays.copyOf(before, 56), Arrays.copyOf(after, 56));
        ByteBuffer torn = ByteBuffer.wrap(after).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(4096, torn.getInt(56 + 4));
        assertEquals(3, torn.get(56 + 8));
    }
}
