package etcetera.server.mvcc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class KeyValueCodecTest {

    @Property
    void roundTripsEveryKeyValue(@ForAll @Size(min = 1, max = 300) byte[] key, @ForAll @Size(max = 300) byte[] value,
            @ForAll long create, @ForAll long mod, @ForAll long version, @ForAll long lease) {
        KeyValue kv = new KeyValue(key, create, mod, version, value, lease);
        assertEquals(kv, KeyValueCodec.decode(KeyValueCodec.encode(kv)));
    }

    @Test
    void smallRecordIsCompact() {
        KeyValue kv = new KeyValue("foo".getBytes(), 5, 9, 3, "bar".getBytes(), 0);
        // format + 4 one-byte varints + (1 + 3) + (1 + 3)
        assertEquals(13, KeyValueCodec.encode(kv).length);
    }

    @Property
    void rejectsEveryTruncation(@ForAll @Size(min = 1, max = 40) byte[] key, @ForAll @Size(max = 40) byte[] value) {
        byte[] encoded = KeyValueCodec.encode(new KeyValue(key, 1, 2, 3, value, 4));
        for (int length = 0; length < encoded.length; length++) {
            byte[] truncated = Arrays.copyOf(encoded, length);
            assertThrows(IllegalStateException.class, () -> KeyValueCodec.decode(truncated));
        }
    }

    @Test
    void rejectsUnknownFormatAndTrailingBytes() {
        byte[] encoded = KeyValueCodec.encode(new KeyValue("k".getBytes(), 1, 1, 1, "v".getBytes(), 0));
        byte[] otherFormat = encoded.clone();
        otherFormat[0] = 9;
        assertThrows(IllegalStateException.class, () -> KeyValueCodec.decode(otherFormat));
        assertThrows(IllegalStateException.class, () -> KeyValueCodec.decode(Arrays.copyOf(encoded, encoded.length + 1)));
    }
}
