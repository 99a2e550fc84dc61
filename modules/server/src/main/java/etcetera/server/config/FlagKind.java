package etcetera.server.config;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * The value types of etcd's flags, each with the parsing rule of the Go type etcd declares the
 * flag with (so that {@code --max-txn-ops=-1} fails as {@code uint} does in etcd). A parsed value
 * is a {@link String}, {@link Boolean}, {@link Long}, {@link Duration}, {@code List<URI>} or
 * {@code List<String>} as documented on each constant.
 */
enum FlagKind {
    /** Any text; a {@link String}. */
    STRING,
    /** A Go bool; a {@link Boolean}. May be given without a value ({@code --enable-v2}). */
    BOOL,
    /** A Go {@code int} (64 bits); a {@link Long}. */
    INT,
    /** A Go {@code uint} (64 bits on the platforms etcd ships for); a {@link Long} up to {@link Long#MAX_VALUE}. */
    UINT,
    /** A {@code uint32}; a {@link Long}. etcd reports its errors with strconv's wording. */
    UINT32,
    /** A Go duration such as {@code 5s}; a {@link Duration}. */
    DURATION,
    /** A comma-separated list of etcd URLs, sorted, without duplicates; a {@code List<URI>}. */
    URLS,
    /** {@code *} or a comma-separated list of origin URLs; a {@code List<String>}. */
    ORIGINS,
    /** A comma-separated list kept in the given order; a {@code List<String>}. */
    STRINGS,
    /** A comma-separated set, sorted; a {@code List<String>}. */
    UNIQUE_STRINGS,
    /** One of a fixed set of words ({@link FlagSpec#choices()}); a {@link String}. */
    CHOICE,
    /** A flag etcd once had and now only warns about; may be given without a value; a {@link Boolean}. */
    IGNORED;

    /** Whether Go's flag parser lets the flag stand without a value. */
    boolean takesNoValue() {
        return this == BOOL || this == IGNORED;
    }

    /**
     * Parses {@code raw} for {@code spec}.
     *
     * @throws GoLiterals.SyntaxError carrying the reason Go's flag package would give
     */
    Object parse(FlagSpec spec, String raw) {
        return switch (this) {
            case STRING -> raw;
            case BOOL -> GoLiterals.parseBool(raw);
            case INT -> GoLiterals.parseInteger(raw, Long.MIN_VALUE, Long.MAX_VALUE);
            case UINT -> GoLiterals.parseInteger(raw, 0, Long.MAX_VALUE);
            case UINT32 -> parseUint32(raw);
            case DURATION -> parseDurationFlag(raw);
            case URLS -> EtcdUrls.parseList(raw);
            case ORIGINS -> raw.equals("*") ? List.of("*")
                    : EtcdUrls.parseList(raw).stream().map(URI::toString).toList();
            case STRINGS -> List.of(raw.split(",", -1));
            case UNIQUE_STRINGS -> List.copyOf(new TreeSet<>(Arrays.asList(raw.split(",", -1))));
            case CHOICE -> {
                if (!spec.choices().contains(raw)) {
                    throw new GoLiterals.SyntaxError("invalid value");
                }
                yield raw;
            }
            case IGNORED -> Boolean.TRUE;
        };
    }

    private static Duration parseDurationFlag(String raw) {
        try {
            return GoLiterals.parseDuration(raw);
        } catch (GoLiterals.SyntaxError e) {
            throw new GoLiterals.SyntaxError(GoLiterals.PARSE_ERROR);
        }
    }

    private static Long parseUint32(String raw) {
        try {
            return GoLiterals.parseInteger(raw, 0, 0xFFFF_FFFFL);
        } catch (GoLiterals.SyntaxError e) {
            String why = e.getMessage().equals(GoLiterals.RANGE_ERROR) ? "value out of range" : "invalid syntax";
            throw new GoLiterals.SyntaxError("strconv.ParseUint: parsing " + GoText.quote(raw) + ": " + why);
        }
    }

    /** The value as text in flag syntax, for the help text and for messages. */
    static String render(Object value) {
        return switch (value) {
            case Duration d -> GoLiterals.formatDuration(d);
            case List<?> list -> {
                List<String> parts = new ArrayList<>();
                list.forEach(element -> parts.add(element.toString()));
                yield String.join(",", parts);
            }
            default -> value.toString();
        };
    }
}
