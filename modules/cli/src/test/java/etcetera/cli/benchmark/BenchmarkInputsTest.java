package etcetera.cli.benchmark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

/** The small parsers and encoders of the benchmark tool. */
final class BenchmarkInputsTest {

    @Test
    void keyHoldsZigZagVarintOfItsNumberZeroPadded() {
        assertArrayEquals(new byte[8], PutBenchmark.key(0, 8).toByteArray());
        assertArrayEquals(new byte[] {2, 0, 0, 0}, PutBenchmark.key(1, 4).toByteArray());
        assertArrayEquals(new byte[] {(byte) 0x80, 0x01, 0, 0}, PutBenchmark.key(64, 4).toByteArray());
    }

    @Test
    void endpointsAcceptHttpPrefixAndRejectTls() {
        assertEquals(new Endpoint("127.0.0.1", 2379), Endpoint.parse("127.0.0.1:2379"));
        assertEquals(new Endpoint("10.0.0.1", 12379), Endpoint.parse(" http://10.0.0.1:12379 "));
        assertThrows(IllegalArgumentException.class, () -> Endpoint.parse("https://127.0.0.1:2379"));
    }

    @Test
    void durationsReadLikeGo() {
        var parse = new GoDuration();
        assertEquals(Duration.ofMillis(500), parse.convert("500ms"));
        assertEquals(Duration.ofSeconds(90), parse.convert("1m30s"));
        assertEquals(Duration.ofMillis(1500), parse.convert("1.5s"));
        assertThrows(TypeConversionException.class, () -> parse.convert("30"));
    }
}
