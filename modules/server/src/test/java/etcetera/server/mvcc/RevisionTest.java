package etcetera.server.mvcc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class RevisionTest {

    @Test
    void encodesMainSeparatorSubBigEndian() {
        byte[] bytes = new Revision(0x0102, 3).toBytes();
        assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0, 1, 2, '_', 0, 0, 0, 0, 0, 0, 0, 3}, bytes);
    }

    @Test
    void tombstoneEncodingAppendsMarkAndDecodesToSameRevision() {
        byte[] bytes = new Revision(7, 2).toTombstoneBytes();
        assertEquals(18, bytes.length);
        assertEquals('t', bytes[17]);
        assertTrue(Revision.isTombstone(bytes));
        assertFalse(Revision.isTombstone(new Revision(7, 2).toBytes()));
        assertEquals(new Revision(7, 2), Revision.fromBytes(bytes));
    }

    @Test
    void rejectsWhatIsNotARevision() {
        assertThrows(IllegalArgumentException.class, () -> Revision.fromBytes(new byte[16]));
        assertThrows(IllegalArgumentException.class, () -> Revision.fromBytes(new byte[17]));
        byte[] badMark = new Revision(1, 0).toTombstoneBytes();
        badMark[17] = 'x';
        assertThrows(IllegalArgumentException.class, () -> Revision.fromBytes(badMark));
        assertThrows(IllegalArgumentException.class, () -> new Revision(-1, 0));
    }

    @Property
    void encodingRoundTrips(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long main,
            @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long sub) {
        Revision rev = new Revision(main, sub);
        assertEquals(rev, Revision.fromBytes(rev.toBytes()));
    }

    @Property
    void byteOrderIsRevisionOrder(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long main1,
            @ForAll @LongRange(min = 0, max = 1000) long sub1,
            @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long main2,
            @ForAll @LongRange(min = 0, max = 1000) long sub2,
            @ForAll boolean tombstone) {
        Revision a = new Revision(main1, sub1);
        Revision b = new Revision(main2, sub2);
        byte[] bBytes = tombstone ? b.toTombstoneBytes() : b.toBytes();
        int byBytes = Integer.signum(Arrays.compareUnsigned(a.toBytes(), bBytes));
        int expected = Integer.signum(a.compareTo(b));
        if (expected == 0) {
            assertEquals(tombstone ? -1 : 0, byBytes);
        } else {
            assertEquals(expected, byBytes);
        }
    }
}
