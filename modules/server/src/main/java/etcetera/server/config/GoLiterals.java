package etcetera.server.config;

import java.math.BigInteger;
import java.time.Duration;
import java.util.Locale;

/**
 * Reads flag values with the syntax etcd's Go flag package accepts: integers in Go literal
 * form (decimal, {@code 0x}, {@code 0o}, {@code 0b}, leading-zero octal, {@code _} separators),
 * Go booleans ({@code 1 t T TRUE true True} and their false forms) and Go durations
 * ({@code 300ms}, {@code 1h30m}, {@code 1.5h}). Operators write these in scripts written for
 * etcd, so the accepted set and the failure texts follow Go's. Stateless.
 */
final class GoLiterals {

    /** Go's flag package reports any unparsable number, bool or duration with this text. */
    static final String PARSE_ERROR = "parse error";
    static final String RANGE_ERROR = "value out of range";

    private GoLiterals() {
    }

    /** A value the Go syntax rejects; {@code reason} is the text Go would give. */
    static final class SyntaxError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SyntaxError(String reason) {
            super(reason, null, false, false);
        }
    }

    static boolean parseBool(String s) {
        return switch (s) {
            case "1", "t", "T", "TRUE", "true", "True" -> true;
            case "0", "f", "F", "FALSE", "false", "False" -> false;
            default -> throw new SyntaxError(PARSE_ERROR);
        };
    }

    /**
     * Parses a Go integer literal (base 0, as {@code strconv.ParseInt(s, 0, bits)}) and checks it
     * lies in {@code [min, max]}.
     */
    static long parseInteger(String s, long min, long max) {
        BigInteger value = parseBigInteger(s, min < 0);
        if (value.compareTo(BigInteger.valueOf(min)) < 0 || value.compareTo(BigInteger.valueOf(max)) > 0) {
            throw new SyntaxError(RANGE_ERROR);
        }
        return value.longValueExact();
    }

    private static BigInteger parseBigInteger(String s, boolean signed) {
        if (s.isEmpty()) {
            throw new SyntaxError(PARSE_ERROR);
        }
        boolean negative = false;
        String body = s;
        if (signed && (body.charAt(0) == '+' || body.charAt(0) == '-')) {
            negative = body.charAt(0) == '-';
            body = body.substring(1);
        }
        int radix = 10;
        boolean prefixed = false;
        if (body.length() > 1 && body.charAt(0) == '0') {
            switch (Character.toLowerCase(body.charAt(1))) {
                case 'x' -> { radix = 16; body = body.substring(2); prefixed = true; }
                case 'o' -> { radix = 8; body = body.substring(2); prefixed = true; }
                case 'b' -> { radix = 2; body = body.substring(2); prefixed = true; }
                default -> { radix = 8; body = body.substring(1); prefixed = true; }
            }
        }
        String digits = withoutSeparators(body, prefixed);
        if (digits.isEmpty()) {
            throw new SyntaxError(PARSE_ERROR);
        }
        for (int i = 0; i < digits.length(); i++) {
            if (Character.digit(digits.charAt(i), radix) < 0) {
                throw new SyntaxError(PARSE_ERROR);
            }
        }
        BigInteger value = new BigInteger(digits, radix);
        return negative ? value.negate() : value;
    }

    /**
     * Go allows {@code _} only between digits, or right after a base prefix; anything else is
     * a syntax error.
     */
    private static String withoutSeparators(String body, boolean afterPrefix) {
        if (body.indexOf('_') < 0) {
            return body;
        }
        char previous = afterPrefix ? '_' : ' ';
        boolean startOk = afterPrefix;
        StringBuilder out = new StringBuilder(body.length());
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '_') {
                boolean first = i == 0;
                if ((first && !startOk) || (!first && previous == '_')) {
                    throw new SyntaxError(PARSE_ERROR);
                }
            } else {
                out.append(c);
            }
            previous = c;
        }
        if (previous == '_') {
            throw new SyntaxError(PARSE_ERROR);
        }
        return out.toString();
    }

    /** Parses a Go duration as {@code time.ParseDuration}; the failure text is Go's. */
    static Duration parseDuration(String text) {
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
            throw new SyntaxError(invalid(text));
        }
        BigInteger totalNanos = BigInteger.ZERO;
        int i = 0;
        while (i < s.length()) {
            int start = i;
            while (i < s.length() && Character.isDigit(s.charAt(i))) {
                i++;
            }
            String whole = s.substring(start, i);
            String fraction = "";
            if (i < s.length() && s.charAt(i) == '.') {
                int fractionStart = ++i;
                while (i < s.length() && Character.isDigit(s.charAt(i))) {
                    i++;
                }
                fraction = s.substring(fractionStart, i);
            }
            if (whole.isEmpty() && fraction.isEmpty()) {
                throw new SyntaxError(invalid(text));
            }
            int unitStart = i;
            while (i < s.length() && s.charAt(i) != '.' && !Character.isDigit(s.charAt(i))) {
                i++;
            }
            String unit = s.substring(unitStart, i);
            if (unit.isEmpty()) {
                throw new SyntaxError("time: missing unit in duration " + GoText.quote(text));
            }
            long unitNanos = switch (unit) {
                case "ns" -> 1L;
                case "us", "\u00b5s", "\u03bcs" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                case "h" -> 3_600_000_000_000L;
                default -> throw new SyntaxError(
                        "time: unknown unit " + GoText.quote(unit) + " in duration " + GoText.quote(text));
            };
            BigInteger unitValue = BigInteger.valueOf(unitNanos);
            BigInteger part = whole.isEmpty() ? BigInteger.ZERO : new BigInteger(whole).multiply(unitValue);
            if (!fraction.isEmpty()) {
                BigInteger scale = BigInteger.TEN.pow(fraction.length());
                part = part.add(new BigInteger(fraction).multiply(unitValue).divide(scale));
            }
            totalNanos = totalNanos.add(part);
            if (totalNanos.bitLength() > 63) {
                throw new SyntaxError(invalid(text));
            }
        }
        long nanos = totalNanos.longValueExact();
        return Duration.ofNanos(negative ? -nanos : nanos);
    }

    private static String invalid(String text) {
        return "time: invalid duration " + GoText.quote(text);
    }

    /** Renders a duration the way Go's {@code time.Duration.String()} does, e.g. {@code 1h0m0s}, {@code 100ms}. */
    static String formatDuration(Duration d) {
        long nanos = d.toNanos();
        if (nanos == 0) {
            return "0s";
        }
        String sign = nanos < 0 ? "-" : "";
        long n = Math.abs(nanos);
        if (n < 1_000L) {
            return sign + n + "ns";
        }
        if (n < 1_000_000L) {
            return sign + trimmed(n, 1_000L) + "\u00b5s";
        }
        if (n < 1_000_000_000L) {
            return sign + trimmed(n, 1_000_000L) + "ms";
        }
        long hours = n / 3_600_000_000_000L;
        long minutes = n / 60_000_000_000L % 60;
        String seconds = trimmed(n % 60_000_000_000L, 1_000_000_000L) + "s";
        if (hours > 0) {
            return sign + hours + "h" + minutes + "m" + seconds;
        }
        if (minutes > 0) {
            return sign + minutes + "m" + seconds;
        }
        return sign + seconds;
    }

    private static String trimmed(long value, long unit) {
        long whole = value / unit;
        long rest = value % unit;
        if (rest == 0) {
            return Long.toString(whole);
        }
        String digits = String.format(Locale.ROOT, "%0" + Long.toString(unit).length() + "d", rest).substring(1);
        return whole + "." + digits.replaceAll("0+$", "");
    }
}
