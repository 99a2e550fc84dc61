package etcetera.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GoLiteralsTest {

    @ParameterizedTest
    @CsvSource({"0,0", "42,42", "0x1F,31", "0X1f,31", "0o17,15", "017,15", "0b101,5", "1_000,1000", "0x_1F,31", "+7,7", "-7,-7"})
    void signedIntegersInGoLiteralForms(String text, long expected) {
        assertEquals(expected, GoLiterals.parseInteger(text, Long.MIN_VALUE, Long.MAX_VALUE));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abc", "1__0", "_1", "1_", "0x", "08", "1.5", " 1", "0b2"})
    void malformedIntegersAreParseErrors(String text) {
        GoLiterals.SyntaxError e = assertThrows(GoLiterals.SyntaxError.class,
                () -> GoLiterals.parseInteger(text, Long.MIN_VALUE, Long.MAX_VALUE));
        assertEquals("parse error", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "+1"})
    void unsignedRejectsSigns(String text) {
        assertThrows(GoLiterals.SyntaxError.class, () -> GoLiterals.parseInteger(text, 0, Long.MAX_VALUE));
    }

    @ParameterizedTest
    @CsvSource({"0,0", "1ns,1", "1us,1000", "1\u00b5s,1000", "1.5ms,1500000", "2s,2000000000", "1h30m,5400000000000",
        "-1m,-60000000000", ".5s,500000000", "1.s,1000000000", "2h45m10.5s,9910500000000"})
    void durations(String text, long nanos) {
        assertEquals(Duration.ofNanos(nanos), GoLiterals.parseDuration(text));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''|time: invalid duration \"\"",
        "5|time: missing unit in duration \"5\"",
        "5x|time: unknown unit \"x\" in duration \"5x\"",
        ".s|time: invalid duration \".s\"",
        "s|time: invalid duration \"s\""})
    void badDurationsGiveGosMessages(String text, String message) {
        assertEquals(message, assertThrows(GoLiterals.SyntaxError.class, () -> GoLiterals.parseDuration(text)).getMessage());
    }

    @ParameterizedTest
    @CsvSource({"0,0s", "1,1ns", "1500,1.5\u00b5s", "100000000,100ms", "1500000000,1.5s", "7200000000000,2h0m0s", "90000000000,1m30s"})
    void durationsPrintLikeGo(long nanos, String text) {
        assertEquals(text, GoLiterals.formatDuration(Duration.ofNanos(nanos)));
        assertEquals(Duration.ofNanos(nanos), GoLiterals.parseDuration(text));
    }
}
