package etcetera.server.mvcc;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Map;

/**
 * Parses durations written the way Go's {@code time.ParseDuration} reads them ({@code "1h"},
 * {@code "1h30m"}, {@code "1.5h"}, {@code "300ms"}, {@code "0"}), because etcd's flags take
 * them in that form. Stateless.
 */
final class GoDuration {

    private static final Map<String, Long> UNIT_NANOS = Map.of(
            "ns", 1L,
            "us", 1_000L,
            "\u00b5s", 1_000L,
            "\u03bcs", 1_000L,
            "ms", 1_000_000L,
            "s", 1_000_000_000L,
            "m", 60_000_000_000L,
            "h", 3_600_000_000_000L);

    private GoDuration() {
    }

    /**
     * @throws IllegalArgumentException with Go's message ({@code time: invalid duration "x"},
     *     {@code time: missing unit in duration "1"}, {@code time: unknown unit "d" in duration "1d"})
     */
    static Duration parse(String text) {
        String s = text;
        boolean negative = false;
        if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
            negative = s.charAt(0) == '-';
            s = s.substring(1);
        }
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        if (s.isEmpty()) {
            throw invalid(text);
        }
        BigInteger total = BigInteger.ZERO;
        int at = 0;
        while (at < s.length()) {
            int start = at;
            while (at < s.length() && (Character.isDigit(s.charAt(at)) || s.charAt(at) == '.')) {
                at++;
            }
            String number = s.substring(start, at);
            if (number.isEmpty() || number.equals(".") || number.indexOf('.') != number.lastIndexOf('.')
                    || !number.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'))) {
                throw invalid(text);
            }
            int unitStart = at;
            while (at < s.length() && s.charAt(at) != '.' && !(s.charAt(at) >= '0' && s.charAt(at) <= '9')) {
                at++;
            }
            String unit = s.substring(unitStart, at);
            if (unit.isEmpty()) {
                throw new IllegalArgumentException("time: missing unit in duration \"" + text + "\"");
            }
            Long nanos = UNIT_NANOS.get(unit);
            if (nanos == null) {
                throw new IllegalArgumentException("time: unknown unit \"" + unit + "\" in duration \"" + text + "\"");
            }
            total = total.add(new BigDecimal(number).multiply(BigDecimal.valueOf(nanos))
                    .setScale(0, RoundingMode.DOWN).toBigInteger());
            if (total.bitLength() > 63) {
                throw invalid(text);
            }
        }
        long value = total.longValueExact();
        return Duration.ofNanos(negative ? -value : value);
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("time: invalid duration \"" + text + "\"");
    }
}
