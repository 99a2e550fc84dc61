package etcetera.server.concurrency;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;

class KeyRangesTest {

    @Test
    void prefixEndIsEtcdsPrefixRangeEnd() {
        assertEquals(ByteString.copyFromUtf8("lock0"), WaitQueue.prefixEnd(ByteString.copyFromUtf8("lock/")));
        assertEquals(ByteString.copyFrom(new byte[] {'a', 2}), WaitQueue.prefixEnd(ByteString.copyFrom(new byte[] {'a', 1, (byte) 0xFF})));
        assertArrayEquals(new byte[] {0}, WaitQueue.prefixEnd(ByteString.copyFrom(new byte[] {(byte) 0xFF, (byte) 0xFF})).toByteArray());
    }

    @Test
    void waiterKeysAreTheLeaseIdInLowercaseHex() {
        assertEquals("lock/694d7a8b2c9e4f05", Sessions.key(ByteString.copyFromUtf8("lock/"), 0x694d7a8b2c9e4f05L).toStringUtf8());
        assertEquals("e/1f", Sessions.key(ByteString.copyFromUtf8("e/"), 31).toStringUtf8());
    }
}
